"""The fake's gateway: HELLO, heartbeats, IDENTIFY/READY, RESUME and event dispatch.

One bot session exists at a time. Every dispatched event is kept with its sequence
number so that a client which lost its socket can RESUME and receive what it missed,
exactly the recovery path discord.py takes after a close code such as 4000.
Frames are sent as plain JSON text: discord.py asks for ``compress=zlib-stream`` but
accepts uncompressed text, and text keeps failures readable.
"""

import asyncio
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from aiohttp import WSMsgType, web

from .recorder import GatewayFrame, Recorder

JSON = dict[str, Any]


class Op(IntEnum):
    """Gateway opcodes the fake speaks."""

    DISPATCH = 0
    HEARTBEAT = 1
    IDENTIFY = 2
    RESUME = 6
    INVALID_SESSION = 9
    HELLO = 10
    HEARTBEAT_ACK = 11


# Intent bits that decide what MESSAGE_CREATE looks like to the bot.
GUILD_MESSAGES = 1 << 9
MESSAGE_CONTENT = 1 << 15

# Discord's usual interval. discord.py heartbeats once right after HELLO and then on
# this period, so short tests see exactly one heartbeat per connection.
HEARTBEAT_INTERVAL_MS = 41_250

OnIdentify = Callable[[str, JSON], Sequence[tuple[str, JSON]]]


@dataclass
class Session:
    """A logged-in gateway session and every event dispatched in it, for replay."""

    session_id: str
    intents: int
    events: list[JSON] = field(default_factory=list)

    def has_intent(self, intent: int) -> bool:
        """Whether the client asked for ``intent`` in its IDENTIFY."""
        return self.intents & intent == intent


class Gateway:
    """Serves the websocket and owns the session; the REST side dispatches through it.

    ``on_identify(session_id, identify_payload)`` returns the events that start a
    session (READY then GUILD_CREATE), so this class knows nothing about the guild.
    """

    def __init__(self, *, on_identify: OnIdentify, frames: Recorder[GatewayFrame]) -> None:
        self._on_identify = on_identify
        self._frames = frames
        self._lock = asyncio.Lock()
        self._sockets: set[web.WebSocketResponse] = set()
        self._connections = 0
        self._current: web.WebSocketResponse | None = None
        self.session: Session | None = None

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """The aiohttp handler for both the default gateway URL and the resume URL."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        connection = self._connections
        self._connections += 1
        self._sockets.add(ws)
        try:
            await self._send(
                ws, {"op": Op.HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}}
            )
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    continue
                frame = json.loads(message.data)
                await self._handle_frame(ws, frame)
                self._frames.append(
                    GatewayFrame(connection, request.path, frame.get("op"), frame.get("d"))
                )
        finally:
            self._sockets.discard(ws)
            if self._current is ws:
                self._current = None
        return ws

    async def _handle_frame(self, ws: web.WebSocketResponse, frame: JSON) -> None:
        op = frame.get("op")
        if op == Op.HEARTBEAT:
            await self._send(ws, {"op": Op.HEARTBEAT_ACK})
        elif op == Op.IDENTIFY:
            await self._identify(ws, frame["d"])
        elif op == Op.RESUME:
            await self._resume(ws, frame["d"])

    async def _identify(self, ws: web.WebSocketResponse, data: JSON) -> None:
        session = Session(session_id=secrets.token_hex(16), intents=int(data.get("intents", 0)))
        async with self._lock:
            self.session = session
            self._current = ws
            for event, body in self._on_identify(session.session_id, data):
                await self._send(ws, self._record(session, event, body))

    async def _resume(self, ws: web.WebSocketResponse, data: JSON) -> None:
        """Replay what the client missed then send RESUMED, or refuse an unknown session.

        Refusing is op 9 with ``d: false``, after which discord.py IDENTIFYs afresh.
        """
        async with self._lock:
            session = self.session
            if session is None or data.get("session_id") != session.session_id:
                await self._send(ws, {"op": Op.INVALID_SESSION, "d": False})
                return
            self._current = ws
            last_seen = data.get("seq") or 0
            for event in session.events[last_seen:]:
                await self._send(ws, event)
            await self._send(ws, self._record(session, "RESUMED", {}))

    async def dispatch(self, event: str, data: JSON) -> None:
        """Send ``event`` now, or keep it for replay if the client is between connections."""
        async with self._lock:
            if self.session is None:
                raise RuntimeError("no bot has identified with the fake gateway yet")
            frame = self._record(self.session, event, data)
            if self._current is not None:
                await self._send(self._current, frame)

    async def drop(self, *, code: int, invalidate_session: bool) -> None:
        """Close the bot's socket from the server side; optionally forget its session.

        Without invalidation the client can RESUME and receive events dispatched while
        it was away; with it the RESUME is refused and the client must IDENTIFY again.
        """
        async with self._lock:
            ws = self._current
            if ws is None:
                raise RuntimeError("no gateway connection to drop")
            self._current = None
            if invalidate_session:
                self.session = None
        await ws.close(code=code, message=b"dropped by the fake")

    async def close(self) -> None:
        """Close every socket still open so the HTTP server can shut down promptly."""
        for ws in list(self._sockets):
            await ws.close(code=1001, message=b"fake shutting down")

    @staticmethod
    def _record(session: Session, event: str, data: JSON) -> JSON:
        frame = {"op": Op.DISPATCH, "t": event, "s": len(session.events) + 1, "d": data}
        session.events.append(frame)
        return frame

    @staticmethod
    async def _send(ws: web.WebSocketResponse, frame: JSON) -> None:
        await ws.send_str(json.dumps(frame))
