"""Helpers shared by the bot's tests: settings built from `.env.example`, and test data dirs.

Settings always start from `.env.example`, so a setting the file forgets, or a default it
gets wrong, breaks the tests rather than a user's first run.
"""

import shutil
from pathlib import Path
from typing import Any

import pytest
from fake_discord import FakeDiscord

from bot.settings import Settings
from knowledge.loading import default_data_dir

REPO = Path(__file__).resolve().parents[1]
ENV_EXAMPLE = REPO / ".env.example"
TEST_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GxYzAb.this-is-a-test-token-not-a-real-one"


def clear_settings_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove any real setting from the environment, which would override `.env.example`."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)


def example_settings(**overrides: Any) -> Settings:
    """Settings as `.env.example` gives them, with a usable token and `overrides` on top."""
    return Settings(_env_file=ENV_EXAMPLE, **{"discord_token": TEST_TOKEN, **overrides})


def fake_settings(fake: FakeDiscord, **overrides: Any) -> Settings:
    """Settings that point the bot at `fake`, as an operator would point it at a proxy."""
    return example_settings(
        discord_token=fake.token,
        discord_api_base=fake.api_base,
        discord_gateway_url=fake.gateway_url,
        **overrides,
    )


def copy_knowledge(target: Path) -> Path:
    """A writable copy of the shipped knowledge base, for tests that edit or reload it."""
    shutil.copytree(default_data_dir(), target)
    return target


LONG_TOPIC_QUESTION = "tell me everything at great length"


def add_long_topic(data_dir: Path, *, facts: int = 30, answer_chars: int = 900) -> None:
    """Append a topic with many long facts, more than one Discord message can hold.

    Each fact reuses a verbatim quote from the article, so the knowledge base stays valid.
    """
    blocks = [
        "\n[[topics]]",
        'id = "at-length"',
        'title = "Everything at length"',
        f'questions = ["{LONG_TOPIC_QUESTION}"]',
    ]
    filler = "Writers have been on strike since May, the article says, among other things. "
    for number in range(1, facts + 1):
        answer = (filler * (answer_chars // len(filler) + 1))[:answer_chars] + f" ({number})"
        blocks += [
            "\n[[facts]]",
            f'id = "at-length-{number}"',
            'topic = "at-length"',
            f'answer = "{answer}"',
            'attribution = ["The article"]',
            f'questions = ["long filler fact number {number}"]',
            "[[facts.evidence]]",
            "paragraph = 3",
            'quote = "Writers have been striking since May"',
        ]
    with (data_dir / "facts.toml").open("a", encoding="utf-8") as file:
        file.write("\n".join(blocks) + "\n")
