"""Register the slash commands with Discord only when they differ from what it already has.

Discord rate-limits command registration, and a bulk overwrite on every start would hit that
limit for a bot that restarts often. So at start-up the bot fetches the registered commands,
compares them with its own, and overwrites only on a difference. Discord answers with more
than it was sent (ids, versions, defaults such as `nsfw: false`), so both sides are reduced
to the fields that define a command before comparing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import discord
from discord import app_commands

log = logging.getLogger(__name__)

# The fields that define a command, an option or a choice; anything else Discord returns
# (id, application_id, version, guild_id, dm_permission, *_localized) is bookkeeping.
_DEFINING = frozenset(
    {
        "name",
        "description",
        "type",
        "options",
        "required",
        "choices",
        "value",
        "autocomplete",
        "channel_types",
        "min_value",
        "max_value",
        "min_length",
        "max_length",
        "nsfw",
        "default_member_permissions",
        "contexts",
        "integration_types",
        "name_localizations",
        "description_localizations",
    }
)
_UNORDERED = frozenset({"contexts", "integration_types", "channel_types"})


def canonical_commands(commands: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Commands by name, reduced to their defining fields with defaults left out."""
    return {command["name"]: _canonical(command) for command in commands}


def _canonical(value: object) -> object:
    if isinstance(value, Mapping):
        reduced: dict[str, object] = {}
        for key, item in value.items():
            if key not in _DEFINING or _is_default(item):
                continue
            if key == "default_member_permissions":  # Discord returns this bit set as a string
                reduced[key] = str(item)
            elif key in _UNORDERED and isinstance(item, list):
                reduced[key] = sorted(item)
            else:
                reduced[key] = _canonical(item)
        return reduced
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    return value


def _is_default(value: object) -> bool:
    """Discord treats an absent field, null, false and an empty list or object alike."""
    return value is None or value is False or (isinstance(value, list | dict) and not value)


def local_payload(
    tree: app_commands.CommandTree[Any], guild: discord.abc.Snowflake | None
) -> list[dict[str, Any]]:
    """What `CommandTree.sync` would send for `guild` (or globally, for None)."""
    return [command.to_dict(tree) for command in tree.get_commands(guild=guild)]


async def sync_commands(
    client: discord.Client,
    tree: app_commands.CommandTree[Any],
    *,
    guild_id: int | None,
    force: bool = False,
) -> bool:
    """Make Discord's commands match the tree's; returns whether they were overwritten.

    With `guild_id`, the global commands are copied to that guild and only the guild's set is
    synced, so they appear there at once; the global set is left as it is. `force` skips the
    comparison (`python -m bot sync`). Must be called after login, which sets application_id.
    """
    guild = discord.Object(guild_id) if guild_id is not None else None
    scope = f"guild {guild_id}" if guild_id is not None else "global"
    if guild is not None:
        tree.copy_global_to(guild=guild)
    local = local_payload(tree, guild)
    if not force:
        application_id = client.application_id
        if application_id is None:
            raise RuntimeError("commands can only be compared after login")
        if guild is None:
            remote = await client.http.get_global_commands(application_id)
        else:
            remote = await client.http.get_guild_commands(application_id, guild.id)
        if canonical_commands(local) == canonical_commands(remote):
            log.info("Slash commands (%s) are up to date; not syncing", scope)
            return False
    synced = await tree.sync(guild=guild)
    log.info(
        "Synced %d slash commands (%s): %s", len(synced), scope, ", ".join(c.name for c in synced)
    )
    return True
