"""The fake Discord holds up against real discord.py client code, nothing mocked.

A tiny bot defined here uses the same discord.py surface as the project's bot
(on_message replies, slash commands with autocomplete, a deferred answer with a
followup, a button) so that when the bot's own end-to-end tests pass against the fake,
the fake is known to speak the protocol discord.py 2.7 expects.
"""

import asyncio
import math
from collections.abc import AsyncIterator, Awaitable
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.http import Route
from fake_discord import (
    FakeDiscord,
    RecordedRequest,
    payloads,
    running_client,
    running_fake_discord,
)
from fake_discord.limits import FieldError, autocomplete_errors, message_errors, nested_errors

TIMEOUT = 5.0
NO_MENTIONS: dict[str, list[str]] = {"parse": []}


async def _settle(outcomes: asyncio.Queue[object], action: Awaitable[object]) -> None:
    """Queue what ``action`` returned or the HTTPException it raised, for the test to inspect."""
    try:
        outcomes.put_nowait(await action)
    except discord.HTTPException as exc:
        outcomes.put_nowait(exc)


class SourcesView(discord.ui.View):
    def __init__(self, outcomes: asyncio.Queue[object]) -> None:
        super().__init__(timeout=None)
        self.outcomes = outcomes

    @discord.ui.button(label="Show sources", custom_id="sources")
    async def sources(
        self, interaction: discord.Interaction, _: discord.ui.Button["SourcesView"]
    ) -> None:
        await _settle(
            self.outcomes, interaction.response.edit_message(content="sources: para 3", view=None)
        )


class SmokeBot(discord.Client):
    """Every handler reports into ``outcomes`` (or ``inbox``) so tests await, never sleep."""

    def __init__(self, *, message_content: bool = True) -> None:
        intents = discord.Intents.default()
        intents.message_content = message_content
        super().__init__(
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=0.05,
        )
        self.tree = app_commands.CommandTree(self)
        self.inbox: asyncio.Queue[discord.Message] = asyncio.Queue()
        self.outcomes: asyncio.Queue[object] = asyncio.Queue()
        outcomes = self.outcomes

        @self.tree.command(description="Ask about the article")
        @app_commands.describe(question="Your question")
        async def ask(interaction: discord.Interaction, question: str) -> None:
            await _settle(outcomes, interaction.response.send_message(f"answer: {question}"))

        @ask.autocomplete("question")
        async def suggest(_: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=f"{current} happened?", value=current)]

        @self.tree.command(description="Answer after thinking")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.edit_original_response(content="first draft")
            original = await interaction.original_response()
            followup = await interaction.followup.send("sources", wait=True)
            outcomes.put_nowait((original, followup))

        @self.tree.command(description="Offer a button")
        async def menu(interaction: discord.Interaction) -> None:
            await _settle(
                outcomes, interaction.response.send_message("pick", view=SourcesView(outcomes))
            )

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # discord.py sleeps 5 s here before every IDENTIFY but the first, to respect
        # Discord's identify rate limit; nothing to respect against the fake.
        return None

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot:
            return
        self.inbox.put_nowait(message)
        async with message.channel.typing():
            reply = await message.reply(f"echo: {message.content}")
        self.outcomes.put_nowait(reply)


async def next_outcome(bot: SmokeBot) -> Any:
    return await asyncio.wait_for(bot.outcomes.get(), TIMEOUT)


async def next_message(bot: SmokeBot) -> discord.Message:
    return await asyncio.wait_for(bot.inbox.get(), TIMEOUT)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with running_fake_discord() as running:
        yield running


@pytest.fixture
async def bot(fake: FakeDiscord) -> AsyncIterator[SmokeBot]:
    async with running_client(SmokeBot(), fake) as client:
        yield client


def _is_callback(request: RecordedRequest) -> bool:
    return request.path.endswith("/callback")


async def test_login_identifies_and_makes_the_guild_available(
    fake: FakeDiscord, bot: SmokeBot
) -> None:
    assert bot.user is not None
    assert bot.user.id == int(fake.bot_user["id"])
    assert bot.application_id == fake.application_id
    guild = bot.get_guild(fake.guild_id)
    assert guild is not None
    assert guild.me is not None
    assert [channel.name for channel in guild.text_channels] == ["general"]
    assert guild.default_role.name == "@everyone"
    assert math.isfinite(bot.latency), "the HELLO heartbeat was acknowledged"
    identify = await fake.wait_for_gateway_frame(lambda frame: frame.op == 2)
    assert identify.d["intents"] == bot.intents.value
    login = [(request.method, request.path) for request in fake.requests]
    assert login[:2] == [("GET", "/users/@me"), ("GET", "/oauth2/applications/@me")]
    assert all("Authorization" not in request.headers for request in fake.requests)


async def test_wrong_token_is_refused_at_login(fake: FakeDiscord) -> None:
    client = SmokeBot()
    with pytest.raises(discord.LoginFailure):
        await client.login("not-the-token")
    await client.close()


async def test_gateway_discovery_points_back_at_the_fake(fake: FakeDiscord, bot: SmokeBot) -> None:
    shards, url, _ = await bot.http.get_bot_gateway()
    assert (shards, url) == (1, fake.gateway_url)
    assert await bot.http.request(Route("GET", "/gateway")) == {"url": fake.gateway_url}


async def test_message_reaches_on_message_and_the_reply_is_recorded(
    fake: FakeDiscord, bot: SmokeBot
) -> None:
    echo = asyncio.create_task(
        bot.wait_for("message", check=lambda m: m.author == bot.user, timeout=TIMEOUT)
    )
    other_bot = payloads.user(175928847299117063, "quote-bot")
    await fake.inject_message("another bot talking", author=other_bot, bot=True)
    sent = await fake.inject_message(f"<@{fake.bot_user['id']}> who won?")

    received = await next_message(bot)
    reply = await next_outcome(bot)

    assert received.id == int(sent["id"])
    assert bot.user in received.mentions
    assert reply.content == f"echo: <@{fake.bot_user['id']}> who won?"
    assert reply.reference is not None
    assert reply.reference.message_id == received.id
    assert (await echo).id == reply.id, "the bot's own message comes back over the gateway"
    typing = f"/channels/{fake.channel_id}/typing"
    assert any(request.path == typing for request in fake.requests)

    edited = await reply.edit(content="echo: edited")
    await reply.delete()

    assert edited.content == "echo: edited"
    assert reply.id not in fake.messages
    writes = [(request.method, request.allowed_mentions) for request in fake.message_writes]
    assert writes == [("POST", NO_MENTIONS), ("PATCH", NO_MENTIONS)]
    assert bot.inbox.empty(), "the other bot's message was ignored"
    assert fake.unrouted_requests == []


async def test_without_message_content_intent_only_mentions_carry_text(fake: FakeDiscord) -> None:
    async with running_client(SmokeBot(message_content=False), fake) as bot:
        await fake.inject_message("plain text")
        await fake.inject_message(f"<@{fake.bot_user['id']}> mentioned")
        plain, mentioned = await next_message(bot), await next_message(bot)
        await next_outcome(bot)
        await next_outcome(bot)

    assert plain.content == ""
    assert mentioned.content == f"<@{fake.bot_user['id']}> mentioned"


@pytest.mark.parametrize(
    ("kwargs", "code", "detail"),
    [
        ({"content": "x" * 2001}, 50035, "In content: Must be 2000 or fewer in length."),
        (
            {"embed": discord.Embed(title="t" * 257)},
            50035,
            "In embeds.0.title: Must be 256 or fewer in length.",
        ),
        ({"content": ""}, 50006, "Cannot send an empty message"),
    ],
)
async def test_messages_discord_refuses_raise_http_exception(
    fake: FakeDiscord, bot: SmokeBot, kwargs: dict[str, Any], code: int, detail: str
) -> None:
    channel = bot.get_channel(fake.channel_id)
    assert isinstance(channel, discord.TextChannel)

    with pytest.raises(discord.HTTPException) as raised:
        await channel.send(**kwargs)

    assert (raised.value.status, raised.value.code) == (400, code)
    assert detail in raised.value.text
    assert fake.messages == {}


async def test_command_sync_is_stored_listed_and_routes_guild_commands(
    fake: FakeDiscord, bot: SmokeBot
) -> None:
    guild = discord.Object(fake.guild_id)
    bot.tree.copy_global_to(guild=guild)
    synced = await bot.tree.sync(guild=guild)
    await bot.tree.sync()

    put = await fake.wait_for_request(
        lambda r: (r.method, r.path) == ("PUT", f"/applications/{fake.application_id}/commands")
    )
    assert sorted(command["name"] for command in put.json) == ["ask", "menu", "slow"]
    assert {c.id for c in await bot.tree.fetch_commands(guild=guild)} == {c.id for c in synced}
    assert {c.id for c in await bot.tree.sync(guild=guild)} == {c.id for c in synced}

    interaction = await fake.inject_slash_command("ask", {"question": "guild?"})
    response = await next_outcome(bot)

    assert interaction["data"]["guild_id"] == str(fake.guild_id)
    assert response.resource.content == "answer: guild?"


async def test_slash_command_is_answered_through_the_callback_route(
    fake: FakeDiscord, bot: SmokeBot
) -> None:
    interaction = await fake.inject_slash_command("ask", {"question": "who won?"})
    response = await next_outcome(bot)

    assert isinstance(response, discord.InteractionCallbackResponse)
    assert isinstance(response.resource, discord.InteractionMessage)
    assert response.resource.content == "answer: who won?"
    callback = await fake.wait_for_request(_is_callback)
    assert callback.path == f"/interactions/{interaction['id']}/{interaction['token']}/callback"
    assert callback.query == {"with_response": "1"}
    assert callback.json["type"] == 4
    assert callback.allowed_mentions == NO_MENTIONS


async def test_deferred_answer_edits_original_and_sends_a_followup(
    fake: FakeDiscord, bot: SmokeBot
) -> None:
    interaction = await fake.inject_slash_command("slow")
    original, followup = await next_outcome(bot)

    assert original.content == "first draft"
    assert followup.content == "sources"
    webhook = f"/webhooks/{fake.application_id}/{interaction['token']}"
    calls = [(r.method, r.path) for r in fake.requests if not r.path.startswith("/users")]
    assert calls[-4:] == [
        ("POST", f"/interactions/{interaction['id']}/{interaction['token']}/callback"),
        ("PATCH", f"{webhook}/messages/@original"),
        ("GET", f"{webhook}/messages/@original"),
        ("POST", webhook),
    ]
    assert [r.allowed_mentions for r in fake.message_writes] == [NO_MENTIONS, NO_MENTIONS]


async def test_autocomplete_choices_are_sent_back(fake: FakeDiscord, bot: SmokeBot) -> None:
    await fake.inject_autocomplete("ask", {"question": "who"}, focused="question")

    callback = await fake.wait_for_request(_is_callback)

    assert callback.status == 200
    assert callback.json["type"] == 8
    assert callback.json["data"]["choices"] == [{"name": "who happened?", "value": "who"}]


async def test_button_click_updates_the_message(fake: FakeDiscord, bot: SmokeBot) -> None:
    await fake.inject_slash_command("menu")
    menu = await next_outcome(bot)
    assert menu.message_id is not None

    await fake.inject_component("sources", menu.message_id)
    update = await next_outcome(bot)

    assert isinstance(update, discord.InteractionCallbackResponse)
    assert fake.messages[menu.message_id]["content"] == "sources: para 3"
    assert fake.messages[menu.message_id]["components"] == []


async def test_oversized_interaction_answer_is_refused(fake: FakeDiscord, bot: SmokeBot) -> None:
    await fake.inject_slash_command("ask", {"question": "x" * 2000})

    error = await next_outcome(bot)

    assert isinstance(error, discord.HTTPException)
    assert (error.status, error.code) == (400, 50035)
    assert "In data.content: Must be 2000 or fewer in length." in error.text


async def test_late_acknowledgement_is_an_unknown_interaction(
    fake: FakeDiscord, bot: SmokeBot
) -> None:
    fake.interaction_ack_timeout = 0.0
    await fake.inject_slash_command("ask", {"question": "too late?"})

    error = await next_outcome(bot)

    assert isinstance(error, discord.NotFound)
    assert error.code == 10062


async def test_second_acknowledgement_is_refused(fake: FakeDiscord, bot: SmokeBot) -> None:
    payload = await fake.inject_slash_command("ask", {"question": "twice?"})
    assert isinstance(await next_outcome(bot), discord.InteractionCallbackResponse)
    same_interaction = discord.Interaction(data=payload, state=bot._connection)  # type: ignore[arg-type]

    with pytest.raises(discord.HTTPException) as raised:
        await same_interaction.response.send_message("again")

    assert (raised.value.status, raised.value.code) == (400, 40060)


async def test_dropped_gateway_resumes_and_replays_missed_events(
    fake: FakeDiscord, bot: SmokeBot
) -> None:
    session_id = fake.session_id
    resumed = asyncio.create_task(bot.wait_for("resumed", timeout=TIMEOUT))

    await fake.drop_websocket()
    await fake.inject_message("still there?")

    resume = await fake.wait_for_gateway_frame(lambda frame: frame.op == 6)
    assert resume.path == "/gateway-resume"
    assert resume.d["session_id"] == session_id
    await resumed
    assert (await next_outcome(bot)).content == "echo: still there?"
    assert [frame.op for frame in fake.gateway_frames].count(2) == 1


async def test_invalidated_session_identifies_again(fake: FakeDiscord, bot: SmokeBot) -> None:
    session_id = fake.session_id

    await fake.drop_websocket(invalidate_session=True)
    await fake.wait_for_gateway_frame(lambda frame: frame.op == 2 and frame.connection > 0)
    await fake.inject_message("hello again")

    assert fake.session_id != session_id
    assert (await next_outcome(bot)).content == "echo: hello again"


async def test_unknown_routes_are_recorded_as_404(fake: FakeDiscord, bot: SmokeBot) -> None:
    with pytest.raises(discord.NotFound):
        await bot.fetch_guild(fake.guild_id)

    assert [str(request) for request in fake.unrouted_requests] == [
        f"GET /guilds/{fake.guild_id} -> 404"
    ]


def _row(buttons: int, **button: str) -> dict[str, Any]:
    fields = {"type": 2, "style": 1, "label": "ok", "custom_id": "ok", **button}
    return {"type": 1, "components": [fields] * buttons}


@pytest.mark.parametrize(
    ("message", "path"),
    [
        ({"content": "x" * 2001}, ("content",)),
        ({"embeds": [{"title": "x" * 257}]}, ("embeds", 0, "title")),
        ({"embeds": [{"description": "x" * 4097}]}, ("embeds", 0, "description")),
        (
            {"embeds": [{"fields": [{"name": "x" * 257, "value": "v"}]}]},
            ("embeds", 0, "fields", 0, "name"),
        ),
        (
            {"embeds": [{"fields": [{"name": "n", "value": "x" * 1025}]}]},
            ("embeds", 0, "fields", 0, "value"),
        ),
        ({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}, ("embeds", 0, "fields")),
        ({"embeds": [{"footer": {"text": "x" * 2049}}]}, ("embeds", 0, "footer", "text")),
        ({"embeds": [{"author": {"name": "x" * 257}}]}, ("embeds", 0, "author", "name")),
        ({"embeds": [{"title": "t"}] * 11}, ("embeds",)),
        ({"embeds": [{"description": "x" * 4000}, {"description": "x" * 2001}]}, ("embeds",)),
        ({"components": [_row(1)] * 6}, ("components",)),
        ({"components": [_row(6)]}, ("components", 0, "components")),
        ({"components": [_row(1, label="x" * 81)]}, ("components", 0, "components", 0, "label")),
        (
            {"components": [_row(1, custom_id="x" * 101)]},
            ("components", 0, "components", 0, "custom_id"),
        ),
    ],
)
def test_each_message_limit_is_enforced(message: dict[str, Any], path: tuple[Any, ...]) -> None:
    assert [error.path for error in message_errors(message)] == [path]


def test_messages_at_the_limits_are_accepted() -> None:
    embed = {
        "title": "x" * 256,
        "description": "x" * 1000,
        "footer": {"text": "x" * 2048},
        "author": {"name": "x" * 256},
        "fields": [{"name": "x" * 16, "value": "x" * 1024}] * 2,
    }
    rows = [_row(5, label="x" * 80, custom_id="x" * 100)] * 5
    assert message_errors({"content": "x" * 2000, "embeds": [embed], "components": rows}) == []


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"choices": [{"name": "n", "value": "v"}] * 26}, ("choices",)),
        ({"choices": [{"name": "x" * 101, "value": "v"}]}, ("choices", 0, "name")),
        ({"choices": [{"name": "n", "value": "x" * 101}]}, ("choices", 0, "value")),
    ],
)
def test_autocomplete_limits_are_enforced(data: dict[str, Any], path: tuple[Any, ...]) -> None:
    assert [error.path for error in autocomplete_errors(data)] == [path]


def test_errors_are_nested_like_discord() -> None:
    error = FieldError(
        ("embeds", 0, "title"), "BASE_TYPE_MAX_LENGTH", "Must be 256 or fewer in length."
    )

    nested = nested_errors([error], prefix=("data",))

    leaf = {
        "_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 256 or fewer in length."}]
    }
    assert nested == {"data": {"embeds": {"0": {"title": leaf}}}}
