"""A loopback fake of Discord's REST API and gateway for end-to-end tests of the bot.

Real discord.py client code talks to it over HTTP and a websocket on 127.0.0.1, so
tests exercise login, events, interactions and reconnects without mocking discord.py::

    async with running_fake_discord() as fake, running_client(bot, fake):
        await fake.inject_message("hello")
        reply = await fake.wait_for_request(lambda r: r.method == "POST")
"""

from .fixtures import running_client, running_fake_discord
from .recorder import GatewayFrame, RecordedRequest
from .server import FakeDiscord

__all__ = [
    "FakeDiscord",
    "GatewayFrame",
    "RecordedRequest",
    "running_client",
    "running_fake_discord",
]
