"""Every cog module is an extension the bot loads, and the slash command names don't collide."""

import pkgutil

import pytest
from bot_support import clear_settings_environment, example_settings

import bot.cogs
from bot.client import EXTENSIONS, create_bot
from knowledge.store import KnowledgeStore


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_settings_environment(monkeypatch)


def test_every_cog_module_is_listed_as_an_extension() -> None:
    modules = {f"bot.cogs.{info.name}" for info in pkgutil.iter_modules(bot.cogs.__path__)}

    assert modules == set(EXTENSIONS)
    assert len(EXTENSIONS) == len(set(EXTENSIONS))


async def test_extensions_load_one_by_one_without_command_name_collisions() -> None:
    client = create_bot(example_settings(), KnowledgeStore())
    names: list[str] = []
    async with client:
        for extension in EXTENSIONS:
            before = {command.name for command in client.tree.get_commands()}
            await client.load_extension(extension)  # a duplicate name raises here
            added = {command.name for command in client.tree.get_commands()} - before
            assert added, f"{extension} adds no slash command"
            names += sorted(added)

    assert sorted(names) == ["ask", "facts", "help", "source"]


async def test_a_failing_extension_is_logged_by_name_and_the_rest_still_load(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("bot.client.EXTENSIONS", ("bot.cogs.missing", *EXTENSIONS))
    client = create_bot(example_settings(), KnowledgeStore(), sync_on_start=False)

    async with client:
        await client.setup_hook()
        loaded = set(client.extensions)

    assert "Could not load extension bot.cogs.missing; running without it" in caplog.text
    assert loaded == set(EXTENSIONS)
