"""Builders for the JSON objects Discord sends, shaped after discord.py 2.7's parsers.

discord.py indexes many keys without ``.get`` (``member['flags']``, ``channel['position']``,
``interaction['attachment_size_limit']``...), so every builder emits the full set of keys
Discord sends, with ids as strings like the real API. Keeping them here, as plain
functions of ids, lets the server stay about behaviour rather than dictionaries.
"""

import base64
import secrets
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits (https://discord.com/developers/docs/topics/permissions).
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
EVERYONE_PERMISSIONS = (
    VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | USE_APPLICATION_COMMANDS
)
BOT_PERMISSIONS = EVERYONE_PERMISSIONS | ADD_REACTIONS | EMBED_LINKS | ATTACH_FILES

# Message flags and types.
EPHEMERAL = 1 << 6
LOADING = 1 << 7
MESSAGE_DEFAULT = 0
MESSAGE_REPLY = 19
MESSAGE_CHAT_INPUT_COMMAND = 20

GUILD_TEXT = 0
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


class Snowflakes:
    """Hands out unique, increasing snowflake ids that encode the current time.

    discord.py derives ``created_at`` from ids and keys its caches on them, so ids
    shaped like Discord's keep both behaving as they do in production.
    """

    def __init__(self) -> None:
        self._last = 0

    def __call__(self) -> int:
        millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
        self._last = max((millis << 22) | (1 << 17), self._last + 1)
        return self._last


def now_iso() -> str:
    """The current time in the ISO-8601 form Discord uses for timestamps."""
    return datetime.now(UTC).isoformat()


def interaction_token(interaction_id: int) -> str:
    """A token shaped like Discord's: url-safe base64 of ``interaction:<id>:<secret>``."""
    raw = f"interaction:{interaction_id}:{secrets.token_urlsafe(48)}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def error_body(code: int, message: str, errors: Mapping[str, Any] | None = None) -> JSON:
    """A Discord error body; discord.py reads ``code`` into ``HTTPException.code``."""
    body: JSON = {"code": code, "message": message}
    if errors is not None:
        body["errors"] = dict(errors)
    return body


def user(user_id: int, username: str, *, bot: bool = False) -> JSON:
    """A user object; bots carry ``bot: true`` which discord.py exposes as ``User.bot``."""
    return {
        "id": str(user_id),
        "username": username,
        "global_name": None if bot else username.title(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def current_user(bot_user: JSON) -> JSON:
    """GET /users/@me: the bot user plus the private fields ``ClientUser`` reads."""
    return {**bot_user, "verified": True, "mfa_enabled": False, "flags": 0, "locale": "en-US"}


def application(application_id: int, bot_user: JSON, owner: JSON) -> JSON:
    """GET /oauth2/applications/@me, which ``Client.login`` needs for ``application_id``."""
    return {
        "id": str(application_id),
        "name": bot_user["username"],
        "description": "",
        "icon": None,
        "bot_public": False,
        "bot_require_code_grant": False,
        "owner": owner,
        "verify_key": secrets.token_hex(32),
        "flags": 0,
        "bot": bot_user,
        "summary": "",
        "team": None,
        "interactions_endpoint_url": None,
    }


def member(member_user: JSON, role_ids: Sequence[int], joined_at: str) -> JSON:
    """A guild member including its user, as in GUILD_CREATE and interactions."""
    return {
        "user": member_user,
        "roles": [str(role_id) for role_id in role_ids],
        "joined_at": joined_at,
        "nick": None,
        "avatar": None,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
    }


def without_user(member_payload: JSON) -> JSON:
    """The partial member Discord attaches to a message next to its ``author``."""
    return {key: value for key, value in member_payload.items() if key != "user"}


def role(role_id: int, name: str, permissions: int, position: int) -> JSON:
    """A role; the @everyone role's id equals the guild id."""
    return {
        "id": str(role_id),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": str(permissions),
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def text_channel(channel_id: int, guild_id: int, name: str) -> JSON:
    """A guild text channel with no permission overwrites."""
    return {
        "id": str(channel_id),
        "type": GUILD_TEXT,
        "guild_id": str(guild_id),
        "name": name,
        "position": 0,
        "parent_id": None,
        "topic": None,
        "nsfw": False,
        "rate_limit_per_user": 0,
        "last_message_id": None,
        "permission_overwrites": [],
    }


def guild(
    *,
    guild_id: int,
    name: str,
    owner_id: int,
    roles: Sequence[JSON],
    channels: Sequence[JSON],
    members: Sequence[JSON],
) -> JSON:
    """A GUILD_CREATE body.

    ``member_count`` equals the members sent, so discord.py treats the guild as already
    chunked and never asks for members over the gateway, whatever the intents.
    """
    return {
        "id": str(guild_id),
        "name": name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": str(owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 1,
        "explicit_content_filter": 0,
        "roles": list(roles),
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "joined_at": now_iso(),
        "large": False,
        "unavailable": False,
        "member_count": len(members),
        "voice_states": [],
        "members": list(members),
        "channels": list(channels),
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def ready(
    *,
    bot_user: JSON,
    application_id: int,
    guild_id: int,
    session_id: str,
    resume_gateway_url: str,
    shard: Sequence[int] | None,
) -> JSON:
    """A READY body: the guild arrives unavailable here and in full in the GUILD_CREATE after."""
    body: JSON = {
        "v": 10,
        "user": current_user(bot_user),
        "guilds": [{"id": str(guild_id), "unavailable": True}],
        "session_id": session_id,
        "session_type": "normal",
        "resume_gateway_url": resume_gateway_url,
        "application": {"id": str(application_id), "flags": 0},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "geo_ordered_rtc_regions": ["us-east"],
        "guild_join_requests": [],
        "user_settings": {},
    }
    if shard is not None:
        body["shard"] = list(shard)
    return body


def message(
    *,
    message_id: int,
    channel_id: int,
    author: JSON,
    fields: Mapping[str, Any],
    message_type: int = MESSAGE_DEFAULT,
    mentions: Sequence[JSON] = (),
) -> JSON:
    """A message as REST returns it, taking content, embeds, components and flags from ``fields``.

    ``fields`` is a create body from the bot or the text a test injects; the gateway
    adds ``guild_id`` and ``member`` on top when it dispatches MESSAGE_CREATE.
    """
    return {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "type": message_type,
        "author": author,
        "content": fields.get("content") or "",
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": bool(fields.get("tts", False)),
        "mention_everyone": False,
        "mentions": list(mentions),
        "mention_roles": [],
        "mention_channels": [],
        "attachments": [],
        "embeds": [{"type": "rich", **embed} for embed in fields.get("embeds") or []],
        "components": list(fields.get("components") or []),
        "reactions": [],
        "pinned": False,
        "flags": int(fields.get("flags") or 0),
    }


def edited(original: JSON, fields: Mapping[str, Any]) -> JSON:
    """``original`` after a PATCH with ``fields``: only the keys sent change, as on Discord."""
    updated = dict(original)
    if "content" in fields:
        updated["content"] = fields["content"] or ""
    if "embeds" in fields:
        updated["embeds"] = [{"type": "rich", **embed} for embed in fields["embeds"] or []]
    if "components" in fields:
        updated["components"] = list(fields["components"] or [])
    if "flags" in fields:
        updated["flags"] = int(fields["flags"] or 0)
    updated["edited_timestamp"] = now_iso()
    return updated


def interaction(
    *,
    interaction_id: int,
    interaction_type: int,
    token: str,
    application_id: int,
    data: JSON,
    guild_id: int,
    channel: JSON,
    invoker: JSON,
    app_permissions: int,
    message: JSON | None = None,
) -> JSON:
    """An INTERACTION_CREATE body for a guild interaction invoked by the member ``invoker``."""
    body: JSON = {
        "id": str(interaction_id),
        "application_id": str(application_id),
        "type": interaction_type,
        "data": data,
        "guild_id": str(guild_id),
        "guild": {"id": str(guild_id), "locale": "en-US", "features": []},
        "channel_id": channel["id"],
        "channel": channel,
        "member": invoker,
        "token": token,
        "version": 1,
        "app_permissions": str(app_permissions),
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild_id)},
        "context": 0,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    if message is not None:
        body["message"] = message
    return body


def application_command(
    command: Mapping[str, Any], *, command_id: int, application_id: int, guild_id: int | None
) -> JSON:
    """A command as Discord stores it after a bulk PUT: the body sent plus ids and defaults."""
    stored: JSON = {
        "type": 1,
        "options": [],
        "default_member_permissions": None,
        "nsfw": False,
        **command,
        "id": str(command_id),
        "application_id": str(application_id),
        "version": str(command_id),
    }
    if guild_id is not None:
        stored["guild_id"] = str(guild_id)
    return stored
