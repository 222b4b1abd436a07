"""Context managers that put a discord.py client in front of a running FakeDiscord.

They are plain async context managers rather than pytest fixtures so that a conftest
can wrap them in fixtures of any scope, and a test can start several clients.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypeVar

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from .server import FakeDiscord

ClientT = TypeVar("ClientT", bound=discord.Client)


@asynccontextmanager
async def running_fake_discord() -> AsyncIterator[FakeDiscord]:
    """Start a FakeDiscord and point discord.py's REST base and gateway URL at it.

    Both are class attributes shared by every client in the process, so they are
    restored on exit; otherwise a later test could talk to a fake that no longer runs.
    Close clients before leaving (``running_client`` nested inside does): a client
    still connected when the fake stops would keep trying to reconnect.
    """
    fake = FakeDiscord()
    await fake.start()
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = fake.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield fake
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway
        await fake.stop()


@asynccontextmanager
async def running_client(
    client: ClientT, fake: FakeDiscord, *, timeout: float = 5.0
) -> AsyncIterator[ClientT]:
    """Log ``client`` in to ``fake``, run its gateway loop, and yield once it is ready.

    A gateway loop that dies before READY fails here at once, with its own exception,
    instead of as a ready timeout. On exit the client is closed and its gateway task
    awaited, so no task or aiohttp session outlives the test and a loop that crashed
    during the test fails it.
    """
    connection: asyncio.Task[None] | None = None
    try:
        await client.login(fake.token)
        connection = asyncio.create_task(client.connect(), name="fake-discord-client")
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait(
            {connection, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            if connection in done:
                raise RuntimeError("the client's gateway loop ended before READY")
            raise TimeoutError(f"the client was not ready within {timeout}s")
        yield client
    finally:
        await client.close()
        if connection is not None:
            await asyncio.wait_for(connection, timeout)
