"""A loopback Discord: the REST routes and gateway a discord.py bot uses, on 127.0.0.1.

The fake plays one guild with one text channel, a human ``tester`` and the bot. Tests
drive it from Discord's side (``inject_*``) and assert on what the bot sent back
(``requests``, ``wait_for_request``). It refuses what Discord refuses -- oversized
messages, late or repeated interaction acknowledgements, unknown routes -- with
Discord's status codes and error bodies, so the bot's error handling meets real shapes.
"""

import asyncio
import json
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from . import limits, payloads
from .gateway import GUILD_MESSAGES, MESSAGE_CONTENT, Gateway, Session
from .recorder import GatewayFrame, Predicate, RecordedRequest, Recorder

JSON = dict[str, Any]
OptionValue = str | int | float | bool

API_PREFIX = "/api/v10"
GATEWAY_PATH = "/gateway"
RESUME_GATEWAY_PATH = "/gateway-resume"

# Interaction types and the callback types a bot answers them with.
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8

# Application command option types, chosen from the Python type of an injected value.
# bool is tested before int because bool is a subclass of int.
_OPTION_TYPES: tuple[tuple[type, int], ...] = ((bool, 5), (int, 4), (float, 10), (str, 3))

_MENTION = re.compile(r"<@!?(\d+)>")
_BODY: web.RequestKey[Any] = web.RequestKey("fake_discord.body")
_MESSAGE_BODY = web.RequestKey("fake_discord.message_body", dict)
_UNROUTED = "unrouted"


def _json(status: int, body: Any) -> web.Response:
    """A JSON response whose Content-Type is exactly ``application/json``.

    discord.py only decodes bodies whose header equals that string; aiohttp's
    ``json_response`` appends ``; charset=utf-8`` and the bot would receive text.
    """
    return web.Response(
        status=status, body=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )


def _error(
    status: int, code: int, message: str, errors: Mapping[str, Any] | None = None
) -> web.Response:
    return _json(status, payloads.error_body(code, message, errors))


def _no_content() -> web.Response:
    return web.Response(status=204)


def _rejected_message(
    request: web.Request, fields: JSON, *, creating: bool, prefix: limits.Path = ()
) -> web.Response | None:
    """Record ``fields`` as a message write and return Discord's refusal of it, if any."""
    request[_MESSAGE_BODY] = fields
    errors = limits.message_errors(fields)
    if errors:
        return _error(400, 50035, "Invalid Form Body", limits.nested_errors(errors, prefix))
    if creating and limits.is_empty_message(fields):
        return _error(400, 50006, "Cannot send an empty message")
    return None


@dataclass
class _Interaction:
    """What the fake remembers about an injected interaction to judge its acknowledgement."""

    id: int
    token: str
    type: int
    user: JSON
    injected_at: float
    message_id: int | None
    response_type: int | None = None
    original_id: int | None = None


class FakeDiscord:
    """The fake Discord API and gateway; use ``running_fake_discord()`` to start one.

    ``token`` is the only bot token it accepts. ``interaction_ack_timeout`` is Discord's
    3 s window to acknowledge an interaction; a test may shrink it to provoke
    "Unknown interaction" (10062) without waiting.
    """

    def __init__(self) -> None:
        self.token = "fake-bot-token"
        self.interaction_ack_timeout = 3.0
        self.requests: Recorder[RecordedRequest] = Recorder("request")
        self.gateway_frames: Recorder[GatewayFrame] = Recorder("gateway frame")
        self.messages: dict[int, JSON] = {}
        self.commands: dict[int | None, list[JSON]] = {}
        self._ids = payloads.Snowflakes()
        self.application_id = self._ids()
        self.bot_user = payloads.user(self.application_id, "fake-bot", bot=True)
        self.tester = payloads.user(self._ids(), "tester")
        self.guild_id = self._ids()
        self.channel_id = self._ids()
        self.bot_role_id = self._ids()
        self._channel = payloads.text_channel(self.channel_id, self.guild_id, "general")
        self._members: dict[str, JSON] = {}
        self._member_for(self.bot_user, role_ids=[self.bot_role_id])
        self._member_for(self.tester)
        self._interactions: dict[int, _Interaction] = {}
        self._gateway = Gateway(on_identify=self._session_start, frames=self.gateway_frames)
        self._runner: web.AppRunner | None = None
        self._origin = ""

    # -- lifecycle and addresses --------------------------------------------------------

    async def start(self) -> None:
        """Listen on a free 127.0.0.1 port chosen by the OS, so parallel runs never clash."""
        app = web.Application(middlewares=[self._record])
        self._add_routes(app.router)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        host, port = sock.getsockname()
        await web.SockSite(self._runner, sock).start()
        self._origin = f"{host}:{port}"

    async def stop(self) -> None:
        """Close open gateway sockets first; the server would otherwise wait for them."""
        await self._gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        """The value for ``discord.http.Route.BASE``."""
        return f"http://{self._origin}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """The value for ``DiscordWebSocket.DEFAULT_GATEWAY``."""
        return f"ws://{self._origin}{GATEWAY_PATH}"

    @property
    def resume_gateway_url(self) -> str:
        """Sent in READY; discord.py reconnects here to RESUME, like Discord's regional URL."""
        return f"ws://{self._origin}{RESUME_GATEWAY_PATH}"

    @property
    def session_id(self) -> str:
        """The id of the current gateway session."""
        return self._session().session_id

    # -- what tests assert on -----------------------------------------------------------

    @property
    def unrouted_requests(self) -> list[RecordedRequest]:
        """Calls to routes the fake does not serve: the bot uses an API the tests don't cover."""
        return [request for request in self.requests if not request.routed]

    @property
    def message_writes(self) -> list[RecordedRequest]:
        """Every call that posted or edited a message, accepted or not."""
        return [request for request in self.requests if request.message_body is not None]

    async def wait_for_request(
        self, predicate: Predicate[RecordedRequest], timeout: float = 5.0
    ) -> RecordedRequest:
        """The first request (already made or still to come) matching ``predicate``."""
        return await self.requests.wait_for(predicate, timeout)

    async def wait_for_gateway_frame(
        self, predicate: Predicate[GatewayFrame], timeout: float = 5.0
    ) -> GatewayFrame:
        """The first frame the bot sent (already handled or yet to come) matching ``predicate``."""
        return await self.gateway_frames.wait_for(predicate, timeout)

    # -- driving the bot from Discord's side --------------------------------------------

    async def inject_message(
        self, content: str, *, author: JSON | None = None, bot: bool = False
    ) -> JSON:
        """Post ``content`` in the channel as ``author`` (default: the tester) and dispatch it.

        Mentions are read from ``<@id>`` in ``content`` as Discord does. ``bot=True``
        marks the author as a bot account. Returns the message as Discord stores it.
        """
        self._session()
        sender = {**(author or self.tester), "bot": bot}
        self._member_for(sender)
        created = payloads.message(
            message_id=self._ids(),
            channel_id=self.channel_id,
            author=sender,
            fields={"content": content},
            mentions=self._mentioned_users(content),
        )
        await self._publish(created)
        return created

    async def inject_slash_command(
        self, name: str, options: Mapping[str, OptionValue] | None = None
    ) -> JSON:
        """The tester runs ``/name`` with ``options``; returns the INTERACTION_CREATE body.

        The body's ``id`` and ``token`` identify the interaction in the bot's requests.
        """
        data = self._command_data(name, options or {}, focused=None)
        return await self._inject_interaction(APPLICATION_COMMAND, data, message_id=None)

    async def inject_autocomplete(
        self, name: str, options: Mapping[str, OptionValue], focused: str
    ) -> JSON:
        """The tester types ``options`` of ``/name``; Discord asks to complete ``focused``."""
        if focused not in options:
            raise ValueError(f"focused option {focused!r} is not among {sorted(options)}")
        data = self._command_data(name, options, focused=focused)
        return await self._inject_interaction(AUTOCOMPLETE, data, message_id=None)

    async def inject_component(self, custom_id: str, message_id: int) -> JSON:
        """The tester clicks component ``custom_id`` on a message the fake stores."""
        stored = self.messages.get(message_id)
        if stored is None:
            raise ValueError(f"message {message_id} was never posted to the fake")
        component_type = next(
            (
                child["type"]
                for row in stored["components"]
                for child in row.get("components", [])
                if child.get("custom_id") == custom_id
            ),
            None,
        )
        if component_type is None:
            raise ValueError(f"message {message_id} has no component {custom_id!r}")
        data = {"custom_id": custom_id, "component_type": component_type}
        return await self._inject_interaction(MESSAGE_COMPONENT, data, message_id=message_id)

    async def drop_websocket(self, code: int = 4000, *, invalidate_session: bool = False) -> None:
        """Close the bot's gateway socket from the server, as Discord does on incidents.

        Events injected before the bot reconnects are replayed on RESUME. With
        ``invalidate_session`` the RESUME is refused (op 9) and the bot must IDENTIFY.
        """
        await self._gateway.drop(code=code, invalidate_session=invalidate_session)

    # -- gateway glue -------------------------------------------------------------------

    def _session(self) -> Session:
        session = self._gateway.session
        if session is None:
            raise RuntimeError("no bot has identified with the fake gateway yet")
        return session

    def _session_start(self, session_id: str, identify: JSON) -> list[tuple[str, JSON]]:
        ready = payloads.ready(
            bot_user=self.bot_user,
            application_id=self.application_id,
            guild_id=self.guild_id,
            session_id=session_id,
            resume_gateway_url=self.resume_gateway_url,
            shard=identify.get("shard"),
        )
        guild = payloads.guild(
            guild_id=self.guild_id,
            name="Fake Guild",
            owner_id=int(self.tester["id"]),
            roles=[
                payloads.role(self.guild_id, "@everyone", payloads.EVERYONE_PERMISSIONS, 0),
                payloads.role(self.bot_role_id, "fake-bot", payloads.BOT_PERMISSIONS, 1),
            ],
            channels=[self._channel],
            members=list(self._members.values()),
        )
        return [("READY", ready), ("GUILD_CREATE", guild)]

    def _member_for(self, member_user: JSON, role_ids: list[int] | None = None) -> JSON:
        """The guild member for ``member_user``, joining them to the guild on first sight."""
        known = self._members.get(member_user["id"])
        if known is None:
            known = payloads.member(member_user, role_ids or [], payloads.now_iso())
            self._members[member_user["id"]] = known
        return {**known, "user": member_user}

    def _mentioned_users(self, content: str) -> list[JSON]:
        return [
            self._members[user_id]["user"]
            for user_id in dict.fromkeys(_MENTION.findall(content))
            if user_id in self._members
        ]

    async def _publish(self, message: JSON) -> None:
        """Store ``message`` and dispatch its MESSAGE_CREATE the way this bot may see it.

        Discord sends nothing without the GUILD_MESSAGES intent, blanks content, embeds,
        attachments and components without MESSAGE_CONTENT unless the bot wrote the
        message or is mentioned, and never dispatches ephemeral messages.
        """
        self.messages[int(message["id"])] = message
        session = self._gateway.session
        if session is None or not session.has_intent(GUILD_MESSAGES):
            return
        if message["flags"] & payloads.EPHEMERAL:
            return
        event = {
            **message,
            "guild_id": str(self.guild_id),
            "member": payloads.without_user(self._member_for(message["author"])),
            "mentions": [
                {**mentioned, "member": payloads.without_user(self._member_for(mentioned))}
                for mentioned in message["mentions"]
            ],
        }
        from_bot = message["author"]["id"] == self.bot_user["id"]
        mentioned = any(user["id"] == self.bot_user["id"] for user in message["mentions"])
        if not (session.has_intent(MESSAGE_CONTENT) or from_bot or mentioned):
            event |= {"content": "", "embeds": [], "attachments": [], "components": []}
        await self._gateway.dispatch("MESSAGE_CREATE", event)

    def _command_data(
        self, name: str, options: Mapping[str, OptionValue], focused: str | None
    ) -> JSON:
        """The ``data`` of a command interaction, matching what the bot registered.

        A command synced to the guild carries ``guild_id``; discord.py's CommandTree uses
        it to look in its guild commands, so the bot's registration choice is exercised.
        """
        data: JSON = {"name": name, "type": 1, "options": []}
        for guild_id in (self.guild_id, None):
            registered = next(
                (c for c in self.commands.get(guild_id, []) if c["name"] == name), None
            )
            if registered is not None:
                data["id"] = registered["id"]
                if guild_id is not None:
                    data["guild_id"] = str(guild_id)
                break
        else:
            data["id"] = str(self._ids())
        for option, value in options.items():
            option_type = next(code for kind, code in _OPTION_TYPES if isinstance(value, kind))
            entry: JSON = {"name": option, "type": option_type, "value": value}
            if option == focused:
                entry["focused"] = True
            data["options"].append(entry)
        return data

    async def _inject_interaction(
        self, interaction_type: int, data: JSON, *, message_id: int | None
    ) -> JSON:
        self._session()
        invoker = self._member_for(self.tester)
        interaction_id = self._ids()
        token = payloads.interaction_token(interaction_id)
        body = payloads.interaction(
            interaction_id=interaction_id,
            interaction_type=interaction_type,
            token=token,
            application_id=self.application_id,
            data=data,
            guild_id=self.guild_id,
            channel={**self._channel, "permissions": str(payloads.EVERYONE_PERMISSIONS)},
            invoker={**invoker, "permissions": str(payloads.EVERYONE_PERMISSIONS)},
            app_permissions=payloads.BOT_PERMISSIONS,
            message=None if message_id is None else self.messages[message_id],
        )
        self._interactions[interaction_id] = _Interaction(
            id=interaction_id,
            token=token,
            type=interaction_type,
            user=invoker["user"],
            injected_at=asyncio.get_running_loop().time(),
            message_id=message_id,
        )
        await self._gateway.dispatch("INTERACTION_CREATE", body)
        return body

    # -- HTTP plumbing --------------------------------------------------------------------

    def _add_routes(self, router: web.UrlDispatcher) -> None:
        api = API_PREFIX
        webhook = api + "/webhooks/{application_id}/{token}"
        message = api + "/channels/{channel_id}/messages/{message_id}"
        router.add_get(GATEWAY_PATH, self._gateway.handle)
        router.add_get(RESUME_GATEWAY_PATH, self._gateway.handle)
        router.add_get(api + "/users/@me", self._get_current_user)
        router.add_get(api + "/oauth2/applications/@me", self._get_application)
        router.add_get(api + "/gateway", self._get_gateway)
        router.add_get(api + "/gateway/bot", self._get_gateway_bot)
        router.add_post(api + "/channels/{channel_id}/messages", self._create_message)
        router.add_patch(message, self._edit_message)
        router.add_delete(message, self._delete_message)
        router.add_post(api + "/channels/{channel_id}/typing", self._typing)
        router.add_post(api + "/interactions/{interaction_id}/{token}/callback", self._callback)
        router.add_post(webhook, self._create_followup)
        router.add_get(webhook + "/messages/@original", self._get_original)
        router.add_patch(webhook + "/messages/@original", self._edit_original)
        for commands in ("/commands", "/guilds/{guild_id}/commands"):
            router.add_get(api + "/applications/{application_id}" + commands, self._get_commands)
            router.add_put(api + "/applications/{application_id}" + commands, self._put_commands)
        router.add_route("*", "/{tail:.*}", self._unrouted, name=_UNROUTED)

    @web.middleware
    async def _record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Check the bot token like Discord and record every API call with its answer.

        Interaction callbacks and webhooks are authorised by their token in the URL,
        which is why discord.py sends them without ``Authorization``.
        """
        if not request.path.startswith(API_PREFIX):
            return await handler(request)
        path = request.path.removeprefix(API_PREFIX)
        body = await request.json() if request.content_type == "application/json" else None
        request[_BODY] = body
        token_in_url = path.startswith(("/interactions/", "/webhooks/"))
        if not token_in_url and request.headers.get("Authorization") != f"Bot {self.token}":
            response: web.StreamResponse = _error(401, 0, "401: Unauthorized")
        else:
            response = await handler(request)
        answer = response.body if isinstance(response, web.Response) else None
        self.requests.append(
            RecordedRequest(
                method=request.method,
                path=path,
                query=dict(request.query),
                json=body,
                headers={k: v for k, v in request.headers.items() if k.lower() != "authorization"},
                status=response.status,
                response=json.loads(answer) if isinstance(answer, bytes) and answer else None,
                routed=request.match_info.route.name != _UNROUTED,
                message_body=request.get(_MESSAGE_BODY),
            )
        )
        return response

    @staticmethod
    def _body(request: web.Request) -> JSON:
        body = request[_BODY]
        return body if isinstance(body, dict) else {}

    # -- REST: identity and gateway discovery ------------------------------------------

    async def _get_current_user(self, _: web.Request) -> web.Response:
        return _json(200, payloads.current_user(self.bot_user))

    async def _get_application(self, _: web.Request) -> web.Response:
        return _json(200, payloads.application(self.application_id, self.bot_user, self.tester))

    async def _get_gateway(self, _: web.Request) -> web.Response:
        return _json(200, {"url": self.gateway_url})

    async def _get_gateway_bot(self, _: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}
        return _json(200, {"url": self.gateway_url, "shards": 1, "session_start_limit": limit})

    # -- REST: channel messages ----------------------------------------------------------

    async def _create_message(self, request: web.Request) -> web.Response:
        fields = self._body(request)
        rejected = _rejected_message(request, fields, creating=True)
        if rejected is not None:
            return rejected
        created = payloads.message(
            message_id=self._ids(),
            channel_id=int(request.match_info["channel_id"]),
            author=self.bot_user,
            fields=fields,
        )
        reference = fields.get("message_reference")
        if reference:
            created |= {
                "type": payloads.MESSAGE_REPLY,
                "message_reference": {
                    "type": 0,
                    "message_id": str(reference["message_id"]),
                    "channel_id": str(reference.get("channel_id", created["channel_id"])),
                    "guild_id": str(self.guild_id),
                },
                "referenced_message": self.messages.get(int(reference["message_id"])),
            }
        await self._publish(created)
        return _json(200, created)

    async def _edit_message(self, request: web.Request) -> web.Response:
        message_id = int(request.match_info["message_id"])
        fields = self._body(request)
        rejected = _rejected_message(request, fields, creating=False)
        if rejected is not None:
            return rejected
        if message_id not in self.messages:
            return _error(404, 10008, "Unknown Message")
        self.messages[message_id] = payloads.edited(self.messages[message_id], fields)
        return _json(200, self.messages[message_id])

    async def _delete_message(self, request: web.Request) -> web.Response:
        if self.messages.pop(int(request.match_info["message_id"]), None) is None:
            return _error(404, 10008, "Unknown Message")
        return _no_content()

    async def _typing(self, _: web.Request) -> web.Response:
        return _no_content()

    # -- REST: interactions ----------------------------------------------------------------

    async def _callback(self, request: web.Request) -> web.Response:
        """Acknowledge an interaction once, within the window, with a valid body.

        discord.py 2.7 sends ``?with_response=1`` and builds its InteractionCallbackResponse
        from the ``interaction`` and ``resource`` keys of the answer.
        """
        interaction = self._interactions.get(int(request.match_info["interaction_id"]))
        if interaction is None or interaction.token != request.match_info["token"]:
            return _error(404, 10062, "Unknown interaction")
        if interaction.response_type is not None:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        elapsed = asyncio.get_running_loop().time() - interaction.injected_at
        if elapsed > self.interaction_ack_timeout:
            return _error(404, 10062, "Unknown interaction")
        body = self._body(request)
        response_type = body.get("type", 0)
        data = body.get("data") or {}
        if response_type in (CHANNEL_MESSAGE, UPDATE_MESSAGE):
            rejected = _rejected_message(
                request, data, creating=response_type == CHANNEL_MESSAGE, prefix=("data",)
            )
            if rejected is not None:
                return rejected
        if response_type == AUTOCOMPLETE_RESULT:
            errors = limits.autocomplete_errors(data)
            if errors:
                nested = limits.nested_errors(errors, ("data",))
                return _error(400, 50035, "Invalid Form Body", nested)
        interaction.response_type = response_type
        resource_message = await self._acknowledge(interaction, response_type, data)
        summary: JSON = {"id": str(interaction.id), "type": interaction.type}
        resource: JSON = {"type": response_type}
        if resource_message is not None:
            resource["message"] = resource_message
            summary |= {
                "response_message_id": resource_message["id"],
                "response_message_loading": response_type == DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": bool(resource_message["flags"] & payloads.EPHEMERAL),
            }
        return _json(200, {"interaction": summary, "resource": resource})

    async def _acknowledge(
        self, interaction: _Interaction, response_type: int, data: JSON
    ) -> JSON | None:
        """Apply the acknowledgement and return the message it created or updated, if any."""
        if response_type in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            if response_type == DEFERRED_CHANNEL_MESSAGE:
                data = {
                    "flags": payloads.LOADING | (int(data.get("flags") or 0) & payloads.EPHEMERAL)
                }
            created = await self._interaction_message(interaction, data)
            interaction.original_id = int(created["id"])
            return created
        if response_type in (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE) and interaction.message_id:
            interaction.original_id = interaction.message_id
            if response_type == UPDATE_MESSAGE:
                updated = payloads.edited(self.messages[interaction.message_id], data)
                self.messages[interaction.message_id] = updated
            return self.messages[interaction.message_id]
        return None

    async def _interaction_message(self, interaction: _Interaction, fields: JSON) -> JSON:
        """A message posted through the interaction's webhook, by the bot and tagged with it."""
        is_command = interaction.type == APPLICATION_COMMAND
        created = payloads.message(
            message_id=self._ids(),
            channel_id=self.channel_id,
            author=self.bot_user,
            fields=fields,
            message_type=payloads.MESSAGE_CHAT_INPUT_COMMAND
            if is_command
            else payloads.MESSAGE_DEFAULT,
        )
        created |= {
            "webhook_id": str(self.application_id),
            "application_id": str(self.application_id),
            "interaction_metadata": {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user,
                "authorizing_integration_owners": {"0": str(self.guild_id)},
            },
        }
        await self._publish(created)
        return created

    def _webhook_interaction(self, request: web.Request) -> _Interaction | None:
        """The acknowledged interaction whose token is in the URL; Discord knows no other."""
        if request.match_info["application_id"] != str(self.application_id):
            return None
        token = request.match_info["token"]
        return next(
            (
                interaction
                for interaction in self._interactions.values()
                if interaction.token == token and interaction.response_type is not None
            ),
            None,
        )

    async def _create_followup(self, request: web.Request) -> web.Response:
        interaction = self._webhook_interaction(request)
        if interaction is None:
            return _error(404, 10015, "Unknown Webhook")
        fields = self._body(request)
        rejected = _rejected_message(request, fields, creating=True)
        if rejected is not None:
            return rejected
        return _json(200, await self._interaction_message(interaction, fields))

    async def _get_original(self, request: web.Request) -> web.Response:
        interaction = self._webhook_interaction(request)
        if interaction is None:
            return _error(404, 10015, "Unknown Webhook")
        if interaction.original_id is None:
            return _error(404, 10008, "Unknown Message")
        return _json(200, self.messages[interaction.original_id])

    async def _edit_original(self, request: web.Request) -> web.Response:
        """Edit the original response; editing a deferred one replaces its loading state."""
        interaction = self._webhook_interaction(request)
        if interaction is None:
            return _error(404, 10015, "Unknown Webhook")
        fields = self._body(request)
        rejected = _rejected_message(request, fields, creating=False)
        if rejected is not None:
            return rejected
        if interaction.original_id is None:
            return _error(404, 10008, "Unknown Message")
        updated = payloads.edited(self.messages[interaction.original_id], fields)
        updated["flags"] &= ~payloads.LOADING
        self.messages[interaction.original_id] = updated
        return _json(200, updated)

    # -- REST: application commands ------------------------------------------------------

    @staticmethod
    def _commands_scope(request: web.Request) -> int | None:
        guild_id = request.match_info.get("guild_id")
        return None if guild_id is None else int(guild_id)

    async def _get_commands(self, request: web.Request) -> web.Response:
        return _json(200, self.commands.get(self._commands_scope(request), []))

    async def _put_commands(self, request: web.Request) -> web.Response:
        """Replace the command set; like Discord, a command keeps its id across syncs."""
        scope = self._commands_scope(request)
        body: list[JSON] = request[_BODY]  # discord.py always PUTs the full list
        previous = {command["name"]: int(command["id"]) for command in self.commands.get(scope, [])}
        self.commands[scope] = [
            payloads.application_command(
                command,
                command_id=previous.get(command["name"]) or self._ids(),
                application_id=self.application_id,
                guild_id=scope,
            )
            for command in body
        ]
        return _json(200, self.commands[scope])

    async def _unrouted(self, _: web.Request) -> web.Response:
        return _error(404, 0, "404: Not Found")
