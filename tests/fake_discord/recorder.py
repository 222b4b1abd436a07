"""Awaitable logs of what the bot did, so tests assert on traffic instead of sleeping.

The fake appends one record per REST request and per gateway frame *after* it has
handled it, so a test that awaits a record can act on the fake's new state at once.
"""

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")
Predicate = Callable[[T], bool]


@dataclass(frozen=True)
class RecordedRequest:
    """One REST call the bot made, with the fake's answer.

    ``headers`` never contains ``Authorization`` so records are safe to print in failures.
    ``message_body`` is the message part of the body (the ``data`` of an interaction
    callback, the whole body otherwise) for every call that posts or edits a message;
    it is how tests check ``allowed_mentions`` on every outgoing message.
    """

    method: str
    path: str
    query: dict[str, str]
    json: Any
    headers: dict[str, str]
    status: int
    response: Any
    routed: bool
    message_body: dict[str, Any] | None

    @property
    def allowed_mentions(self) -> Any:
        """The ``allowed_mentions`` the bot sent, or None when it sent none."""
        return None if self.message_body is None else self.message_body.get("allowed_mentions")

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass(frozen=True)
class GatewayFrame:
    """One JSON frame the bot sent over the gateway, tagged with the connection it used.

    ``path`` tells which URL the client dialled, so a test can prove that a reconnect
    honoured ``resume_gateway_url``; ``connection`` counts websocket connections from 0.
    """

    connection: int
    path: str
    op: int
    d: Any

    def __str__(self) -> str:
        return f"op {self.op} on connection {self.connection} ({self.path})"


class Recorder(Generic[T]):
    """An append-only list whose items can be awaited by predicate.

    A waiter first scans what is already recorded, so a test cannot miss an item that
    arrived between its action and its wait; it only then parks a future that
    ``append`` resolves. No polling, no sleeps.
    """

    def __init__(self, what: str) -> None:
        self._what = what
        self._items: list[T] = []
        self._waiters: list[tuple[Predicate[T], asyncio.Future[T]]] = []

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items))

    def append(self, item: T) -> None:
        """Record ``item`` and wake every waiter whose predicate accepts it.

        A predicate that raises fails its own waiter rather than the fake's request
        handler, which would otherwise turn a test bug into a 500 that discord.py retries.
        """
        self._items.append(item)
        for predicate, future in self._waiters:
            if future.done():
                continue
            try:
                matched = predicate(item)
            except Exception as exc:
                future.set_exception(exc)
            else:
                if matched:
                    future.set_result(item)

    async def wait_for(self, predicate: Predicate[T], timeout: float) -> T:
        """Return the first recorded item matching ``predicate``, waiting up to ``timeout`` s."""
        for item in self._items:
            if predicate(item):
                return item
        waiter = (predicate, asyncio.get_running_loop().create_future())
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(waiter[1], timeout)
        except TimeoutError:
            seen = ", ".join(str(item) for item in self._items[-10:]) or "nothing"
            raise TimeoutError(
                f"no matching {self._what} within {timeout}s; last recorded: {seen}"
            ) from None
        finally:
            self._waiters.remove(waiter)
