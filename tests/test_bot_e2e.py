"""The real bot, built by `create_bot`, driven through the loopback fake Discord.

Nothing of discord.py is mocked: the bot logs in over HTTP, identifies on the gateway,
receives injected events and answers through the REST routes, where the fake refuses
anything Discord would. Every wait has a timeout.
"""

import gc
import json
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import discord
import pytest
from bot_support import (
    LONG_TOPIC_QUESTION,
    add_long_topic,
    clear_settings_environment,
    copy_knowledge,
    fake_settings,
)
from fake_discord import FakeDiscord, RecordedRequest, running_client

from bot.client import CitedFactsBot, ShardedCitedFactsBot, create_bot
from bot.errors import APOLOGY
from bot.settings import Settings
from bot.sync import local_payload
from knowledge.replies import statement_text
from knowledge.store import KnowledgeStore

EPHEMERAL = 1 << 6
MESSAGE_CONTENT_INTENT = 1 << 15
CHANNEL_MESSAGE = 4
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_settings_environment(monkeypatch)


@pytest.fixture(autouse=True)
def _no_unexpected_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail the test if anything logged an error, such as a crashed background task.

    Set up before the bot and torn down after it, so the bot's shutdown is covered too. A test
    that provokes an error asserts on it and then calls `caplog.clear()`.
    """
    yield
    gc.collect()  # asyncio logs "Task exception was never retrieved" when the task is freed
    records = caplog.get_records("setup") + caplog.get_records("call") + caplog.records
    errors = [record for record in records if record.levelno >= logging.ERROR]
    assert errors == [], "\n".join(record.getMessage() for record in errors)


@pytest.fixture(scope="module")
def store() -> KnowledgeStore:
    """The shipped knowledge base; tests that reload it make their own store."""
    return KnowledgeStore()


@asynccontextmanager
async def started(
    fake: FakeDiscord, store: KnowledgeStore, settings: Settings | None = None
) -> AsyncIterator[CitedFactsBot]:
    """The bot from `create_bot`, logged in to `fake` and ready."""
    client = create_bot(settings or fake_settings(fake), store, guild_ready_timeout=0.05)
    async with running_client(client, fake) as running:
        yield running


@pytest.fixture
async def bot(fake: FakeDiscord, store: KnowledgeStore) -> AsyncIterator[CitedFactsBot]:
    async with started(fake, store) as running:
        yield running


# -- small helpers over the fake's records ---------------------------------------------------


def mention(fake: FakeDiscord, text: str) -> str:
    return f"<@{fake.bot_user['id']}> {text}"


async def reply_to(fake: FakeDiscord, message: dict[str, Any]) -> RecordedRequest:
    """The bot's reply to an injected message."""

    def is_reply(request: RecordedRequest) -> bool:
        reference = (request.message_body or {}).get("message_reference") or {}
        return request.method == "POST" and str(reference.get("message_id")) == message["id"]

    return await fake.wait_for_request(is_reply)


async def callback(fake: FakeDiscord, interaction: dict[str, Any]) -> RecordedRequest:
    """The bot's acknowledgement of an injected interaction."""
    path = f"/interactions/{interaction['id']}/{interaction['token']}/callback"
    return await fake.wait_for_request(lambda request: request.path == path)


async def slash(
    fake: FakeDiscord, name: str, options: dict[str, Any] | None = None
) -> RecordedRequest:
    """Invoke a slash command and return the bot's acknowledgement of it."""
    return await callback(fake, await fake.inject_slash_command(name, options))


def replies(fake: FakeDiscord) -> list[RecordedRequest]:
    """Every message the bot posted in reply to another."""
    return [
        r
        for r in fake.requests
        if r.method == "POST" and (r.message_body or {}).get("message_reference")
    ]


def embed_of(request: RecordedRequest) -> dict[str, Any]:
    assert request.status == 200, request.response
    assert request.message_body is not None
    [embed] = request.message_body["embeds"]
    return embed


def buttons_of(request: RecordedRequest) -> list[dict[str, Any]]:
    assert request.message_body is not None
    return [b for row in request.message_body.get("components", []) for b in row["components"]]


def created_message_id(request: RecordedRequest) -> int:
    return int(request.response["resource"]["message"]["id"])


def assert_no_one_was_pinged(fake: FakeDiscord) -> None:
    writes = fake.message_writes
    assert writes
    for write in writes:
        assert write.allowed_mentions is not None
        assert write.allowed_mentions["parse"] == []
        assert not write.allowed_mentions.get("replied_user")
        assert not write.allowed_mentions.get("users")
        assert not write.allowed_mentions.get("roles")


# -- asking ------------------------------------------------------------------------------------


async def test_a_mention_gets_a_cited_reply(
    fake: FakeDiscord, bot: CitedFactsBot, store: KnowledgeStore
) -> None:
    question = "How much does the Netflix AI job pay?"
    expected = store.engine.ask(question)
    assert expected.status == "answered"

    sent = await fake.inject_message(mention(fake, question))
    reply = await reply_to(fake, sent)

    embed = embed_of(reply)
    citation = expected.citations[0]
    assert embed["description"] == statement_text(expected.facts[0])
    assert embed["fields"][0]["value"].startswith(f"> {citation.quote}\n— {citation.reference}")
    assert citation.source_title in embed["fields"][0]["value"]
    assert expected.knowledge_version in embed["footer"]["text"]
    assert_no_one_was_pinged(fake)
    assert fake.unrouted_requests == []


async def test_slash_ask_gets_a_cited_embed(
    fake: FakeDiscord, bot: CitedFactsBot, store: KnowledgeStore
) -> None:
    question = "who is Bob Iger?"
    expected = store.engine.ask(question)
    assert expected.status == "answered"

    interaction = await fake.inject_slash_command("ask", {"question": question})
    response = await callback(fake, interaction)

    assert response.json["type"] == CHANNEL_MESSAGE
    embed = embed_of(response)
    assert embed["title"] == question
    assert embed["description"] == statement_text(expected.facts[0])
    assert f"> {expected.citations[0].quote}" in embed["fields"][0]["value"]
    assert buttons_of(response) == []
    assert_no_one_was_pinged(fake)


async def test_autocomplete_offers_at_most_25_ranked_questions(
    fake: FakeDiscord, bot: CitedFactsBot, store: KnowledgeStore
) -> None:
    interaction = await fake.inject_autocomplete("ask", {"question": "sal"}, focused="question")
    response = await callback(fake, interaction)

    assert response.status == 200
    assert response.json["type"] == AUTOCOMPLETE_RESULT
    choices = response.json["data"]["choices"]
    assert 0 < len(choices) <= 25
    assert [c["value"] for c in choices] == store.engine.complete("sal", limit=25)[: len(choices)]


async def test_a_decline_offers_buttons_and_pressing_one_asks_that_question(
    fake: FakeDiscord, bot: CitedFactsBot, store: KnowledgeStore
) -> None:
    declined = store.engine.ask("what is the weather on mars")
    assert declined.status == "declined"

    response = await slash(fake, "ask", {"question": "what is the weather on mars"})

    buttons = buttons_of(response)
    assert [b["label"] for b in buttons] == list(declined.suggestions)
    assert [b["custom_id"] for b in buttons] == [f"ask:{s}" for s in declined.suggestions]

    chosen = declined.suggestions[0]
    press = await fake.inject_component(f"ask:{chosen}", created_message_id(response))
    answer = await callback(fake, press)

    assert answer.json["type"] == CHANNEL_MESSAGE
    expected = store.engine.ask(chosen)
    assert expected.answered
    assert embed_of(answer)["title"] == expected.question
    assert_no_one_was_pinged(fake)


async def test_a_suggestion_on_a_mention_reply_is_a_working_button_too(
    fake: FakeDiscord, bot: CitedFactsBot, store: KnowledgeStore
) -> None:
    sent = await fake.inject_message(mention(fake, "hello there"))
    reply = await reply_to(fake, sent)
    [first, *_] = buttons_of(reply)

    press = await fake.inject_component(first["custom_id"], int(reply.response["id"]))
    answer = await callback(fake, press)

    assert embed_of(answer)["title"] == store.engine.ask(first["label"]).question


async def test_messages_from_bots_are_ignored(fake: FakeDiscord, bot: CitedFactsBot) -> None:
    from_bot = await fake.inject_message(mention(fake, "who is Bob Iger?"), bot=True)
    from_human = await fake.inject_message(mention(fake, "who is Bob Iger?"))

    await reply_to(fake, from_human)

    posts = [r for r in fake.requests if r.method == "POST" and "/channels/" in r.path]
    assert len(posts) == 1
    referenced = [str(r.json["message_reference"]["message_id"]) for r in posts]
    assert from_bot["id"] not in referenced


async def test_everyone_in_a_question_pings_no_one(fake: FakeDiscord, bot: CitedFactsBot) -> None:
    sent = await fake.inject_message(mention(fake, "@everyone @here who is Bob Iger?"))
    await reply_to(fake, sent)
    # Text that is not a question is rejected and echoed back; the echo must be defused.
    junk = "@everyone " + "\x01" * 40
    interaction = await fake.inject_slash_command("ask", {"question": junk})
    rejected = await callback(fake, interaction)

    assert embed_of(rejected)["title"].startswith("@\u200beveryone")
    assert_no_one_was_pinged(fake)
    for write in fake.message_writes:
        body = json.dumps(write.message_body, ensure_ascii=False)
        assert "@everyone" not in body
        assert "@here" not in body


async def test_an_over_long_answer_is_delivered_within_the_limits(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    data_dir = copy_knowledge(tmp_path / "data")
    add_long_topic(data_dir)
    long_store = KnowledgeStore(data_dir)
    expected = long_store.engine.ask(LONG_TOPIC_QUESTION)
    assert len(expected.answer) > 20_000

    async with started(fake, long_store):
        interaction = await fake.inject_slash_command("ask", {"question": LONG_TOPIC_QUESTION})
        response = await callback(fake, interaction)
        sent = await fake.inject_message(mention(fake, LONG_TOPIC_QUESTION))
        reply = await reply_to(fake, sent)

    for request in (response, reply):
        embed = embed_of(request)  # status 200: the fake accepted it
        assert embed["fields"][-1]["name"] == "Not shown"


# -- /facts, /source, /help --------------------------------------------------------------------


async def test_facts_pages_through_a_topic(
    fake: FakeDiscord, bot: CitedFactsBot, store: KnowledgeStore
) -> None:
    topic = store.engine.knowledge.topic("strike-status")
    assert len(topic.fact_ids) > 5, "the topic must need two pages for this test"
    registered = next(c for c in fake.commands[None] if c["name"] == "facts")
    choices = registered["options"][0]["choices"]
    assert choices == [{"name": t.title, "value": t.id} for t in store.engine.knowledge.topics]

    interaction = await fake.inject_slash_command("facts", {"topic": "strike-status"})
    first = await callback(fake, interaction)
    message_id = created_message_id(first)

    page_one = embed_of(first)
    assert page_one["title"] == topic.title
    assert page_one["footer"]["text"].startswith("Page 1 of 2")
    previous, following = buttons_of(first)
    assert (previous["label"], previous.get("disabled")) == ("Previous", True)
    assert (following["label"], following.get("disabled", False)) == ("Next", False)

    press = await fake.inject_component(following["custom_id"], message_id)
    turned = await callback(fake, press)

    assert turned.json["type"] == UPDATE_MESSAGE
    page_two = fake.messages[message_id]["embeds"][0]
    assert page_two["footer"]["text"].startswith("Page 2 of 2")
    shown = len(page_one["fields"]) + len(page_two["fields"])
    assert shown == len(topic.fact_ids)
    assert page_two["fields"][-1]["name"] == f"Fact {shown} of {shown}"

    back = next(b for b in fake.messages[message_id]["components"][0]["components"])
    press = await fake.inject_component(back["custom_id"], message_id)
    await callback(fake, press)
    assert fake.messages[message_id]["embeds"][0]["footer"]["text"].startswith("Page 1 of 2")
    assert_no_one_was_pinged(fake)


async def test_source_shows_the_article_or_one_paragraph(
    fake: FakeDiscord, bot: CitedFactsBot, store: KnowledgeStore
) -> None:
    knowledge = store.engine.knowledge
    overview = await slash(fake, "source")
    paragraph = await slash(fake, "source", {"paragraph": 2})
    too_far = await slash(fake, "source", {"paragraph": 99})

    assert embed_of(overview)["title"] == knowledge.source.headline
    passage = knowledge.article.container(2)
    assert passage is not None
    assert passage.text in embed_of(paragraph)["description"]
    assert too_far.json["data"]["flags"] == EPHEMERAL
    count = knowledge.article.paragraph_count
    assert too_far.json["data"]["content"] == (
        f"The article has {count} paragraphs; pick one from 1 to {count}."
    )


async def test_help_is_private_and_names_the_article(
    fake: FakeDiscord, bot: CitedFactsBot, store: KnowledgeStore
) -> None:
    response = await slash(fake, "help")

    assert response.json["data"]["flags"] == EPHEMERAL
    assert store.engine.knowledge.source.headline in embed_of(response)["description"]


# -- staying safe and up -----------------------------------------------------------------------


async def test_the_cooldown_answers_with_a_friendly_private_notice(
    fake: FakeDiscord, store: KnowledgeStore
) -> None:
    # Short enough to see the mention's notice delete itself (after the cooldown is over).
    settings = fake_settings(fake, cooldown_rate=1, cooldown_seconds=2)
    async with started(fake, store, settings):
        first = await slash(fake, "ask", {"question": "salaries"})
        second = await slash(fake, "ask", {"question": "quotes"})
        sent = await fake.inject_message(mention(fake, "quotes"))
        notice = await reply_to(fake, sent)
        deleted = await fake.wait_for_request(lambda r: r.method == "DELETE")

    assert embed_of(first)
    assert second.json["data"]["flags"] == EPHEMERAL
    assert second.json["data"]["content"].startswith("You're asking faster than I can keep up.")
    assert "embeds" not in second.json["data"] or not second.json["data"]["embeds"]
    assert notice.json["content"].startswith("You're asking faster than I can keep up.")
    assert deleted.path.endswith(f"/messages/{notice.response['id']}"), "the notice removes itself"
    assert "Try again in 2 seconds." in second.json["data"]["content"]


async def test_only_allowed_channels_are_answered(fake: FakeDiscord, store: KnowledgeStore) -> None:
    elsewhere = fake.channel_id + 1
    settings = fake_settings(fake, allowed_channel_ids=str(elsewhere))
    async with started(fake, store, settings):
        ignored = await fake.inject_message(mention(fake, "who is Bob Iger?"))
        refused = await slash(fake, "ask", {"question": "pay"})

    assert refused.json["data"]["flags"] == EPHEMERAL
    assert refused.json["data"]["content"] == f"I only answer in <#{elsewhere}>."
    posts = [r for r in fake.requests if r.method == "POST" and "/channels/" in r.path]
    assert posts == [], f"the mention {ignored['id']} in a channel not allowed was answered"


async def test_a_failing_handler_is_logged_answered_politely_and_the_bot_goes_on(
    fake: FakeDiscord,
    bot: CitedFactsBot,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(question: str) -> None:
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(bot.knowledge.engine, "ask", broken)
    failed = await slash(fake, "ask", {"question": "pay"})
    after = await slash(fake, "help")

    assert failed.status == 200
    assert (failed.json["data"]["content"], failed.json["data"]["flags"]) == (APOLOGY, EPHEMERAL)
    assert "Failed to handle /ask from user" in caplog.text
    assert "RuntimeError: the engine broke" in caplog.text
    assert embed_of(after)
    assert_no_one_was_pinged(fake)
    caplog.clear()


async def test_an_error_after_the_response_is_reported_in_a_private_followup(
    fake: FakeDiscord, bot: CitedFactsBot, caplog: pytest.LogCaptureFixture
) -> None:
    @bot.tree.command(name="half", description="Answers, then fails")
    async def half(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("partial answer")
        raise RuntimeError("failed after answering")

    interaction = await fake.inject_slash_command("half")
    followup = await fake.wait_for_request(
        lambda r: r.method == "POST" and r.path.endswith(f"/{interaction['token']}")
    )

    assert followup.status == 200
    assert followup.json["content"] == APOLOGY
    assert followup.json["flags"] == EPHEMERAL
    assert "Failed to handle /half from user" in caplog.text
    assert_no_one_was_pinged(fake)
    caplog.clear()


async def test_after_a_dropped_websocket_the_bot_resumes_and_answers_again(
    fake: FakeDiscord, bot: CitedFactsBot
) -> None:
    session = fake.session_id
    await fake.drop_websocket()
    sent = await fake.inject_message(mention(fake, "who is Bob Iger?"))

    resume = await fake.wait_for_gateway_frame(lambda frame: frame.op == 6)
    reply = await reply_to(fake, sent)

    assert resume.d["session_id"] == session
    assert embed_of(reply)["title"] == "who is Bob Iger?"
    identifies = [frame for frame in fake.gateway_frames if frame.op == 2]
    assert len(identifies) == 1, "resumed, not logged in again"


async def test_the_message_content_intent_is_opt_in(
    fake: FakeDiscord, store: KnowledgeStore
) -> None:
    async with started(fake, store):
        default = await fake.wait_for_gateway_frame(lambda frame: frame.op == 2)
    async with started(fake, store, fake_settings(fake, message_content_intent=True)):
        opted = await fake.wait_for_gateway_frame(lambda f: f.op == 2 and f.connection > 0)

    assert not default.d["intents"] & MESSAGE_CONTENT_INTENT
    assert opted.d["intents"] & MESSAGE_CONTENT_INTENT


async def test_with_shard_settings_the_bot_runs_sharded(
    fake: FakeDiscord, store: KnowledgeStore
) -> None:
    settings = fake_settings(fake, shard_count=1, shard_ids="0")
    async with started(fake, store, settings) as sharded:
        assert isinstance(sharded, ShardedCitedFactsBot)
        identify = await fake.wait_for_gateway_frame(lambda frame: frame.op == 2)
        sent = await fake.inject_message(mention(fake, "who is Bob Iger?"))
        await reply_to(fake, sent)

    assert identify.d["shard"] == [0, 1]


# -- registering the commands ------------------------------------------------------------------


def command_puts(fake: FakeDiscord) -> list[RecordedRequest]:
    return [r for r in fake.requests if r.method == "PUT" and r.path.endswith("/commands")]


async def test_sync_sends_the_commands_once_and_not_again_on_a_restart(
    fake: FakeDiscord, store: KnowledgeStore
) -> None:
    async with started(fake, store) as first:
        payload = local_payload(first.tree, None)
    async with started(fake, store):
        pass

    [put] = command_puts(fake)
    assert put.path == f"/applications/{fake.application_id}/commands"
    assert put.json == payload
    assert sorted(c["name"] for c in put.json) == ["ask", "facts", "help", "source"]
    assert all(c["contexts"] == [0] and c["integration_types"] == [0] for c in put.json)
    gets = [r for r in fake.requests if r.method == "GET" and r.path == put.path]
    assert len(gets) == 2, "each start compared with what Discord had"


async def test_a_change_in_the_commands_is_synced_on_the_next_start(
    fake: FakeDiscord, store: KnowledgeStore
) -> None:
    async with started(fake, store):
        pass
    fake.commands[None][0]["description"] = "an older description"
    async with started(fake, store):
        pass

    assert len(command_puts(fake)) == 2


async def test_a_development_guild_gets_the_commands_at_once(
    fake: FakeDiscord, store: KnowledgeStore
) -> None:
    settings = fake_settings(fake, discord_guild_id=fake.guild_id)
    async with started(fake, store, settings):
        interaction = await fake.inject_slash_command("ask", {"question": "who is Bob Iger?"})
        response = await callback(fake, interaction)

    [put] = command_puts(fake)
    assert put.path == f"/applications/{fake.application_id}/guilds/{fake.guild_id}/commands"
    assert interaction["data"]["guild_id"] == str(fake.guild_id)
    assert embed_of(response)["title"] == "who is Bob Iger?"


async def test_a_reload_keeps_the_last_good_knowledge_and_resyncs_changed_topics(
    fake: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = copy_knowledge(tmp_path / "data")
    facts_file = data_dir / "facts.toml"
    original = facts_file.read_text()
    reloading_store = KnowledgeStore(data_dir)

    async with started(fake, reloading_store) as client:
        facts_file.write_text(original.replace('id = "salaries"', 'id = "broken topic id"'))
        failed = await client.reload_knowledge()
        facts_file.write_text(original.replace('title = "Quotes"', 'title = "Quotations"'))
        succeeded = await client.reload_knowledge()
        response = await slash(fake, "facts", {"topic": "quotes"})

    assert failed is not None
    assert "Knowledge base reload failed; keeping version" in caplog.text
    caplog.clear()
    assert succeeded is None
    assert len(command_puts(fake)) == 2, "the new topic title changed /facts"
    assert embed_of(response)["title"] == "Quotations"


async def test_a_refused_token_raises_login_failure_without_the_token(
    fake: FakeDiscord, store: KnowledgeStore
) -> None:
    client = create_bot(fake_settings(fake), store)
    secret = "MTExMTExMTExMTExMTExMTEx.refused.token-value"
    async with client:
        with pytest.raises(discord.LoginFailure) as raised:
            await client.login(secret)

    assert secret not in str(raised.value)


async def test_the_bot_ignores_its_own_messages(fake: FakeDiscord, bot: CitedFactsBot) -> None:
    sent = await fake.inject_message(mention(fake, "who is Bob Iger?"))
    await reply_to(fake, sent)
    # The bot's replies come back over the gateway; one that mentions the bot itself must
    # still be ignored.
    channel = bot.get_channel(fake.channel_id)
    assert isinstance(channel, discord.TextChannel)
    own = await channel.send(mention(fake, "who is Bob Iger?"))
    follow_up = await fake.inject_message(mention(fake, "who is Lee Fang?"))
    await reply_to(fake, follow_up)

    answered = {str(r.json["message_reference"]["message_id"]) for r in replies(fake)}
    assert answered == {sent["id"], follow_up["id"]}
    assert str(own.id) not in answered
