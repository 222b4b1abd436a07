"""Shared fixtures: the shipped knowledge base, loaded once per session, and a fake Discord."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest
from fake_discord import FakeDiscord, running_fake_discord

from knowledge.cache import CACHE_DIR_ENV
from knowledge.engine import AnswerEngine
from knowledge.loading import load_knowledge_base
from knowledge.models import KnowledgeBase


@pytest.fixture(scope="session", autouse=True)
def _private_engine_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests (and the CLI processes they start) cache engines in a temporary folder, never
    in the user's own cache."""
    before = os.environ.get(CACHE_DIR_ENV)
    os.environ[CACHE_DIR_ENV] = str(tmp_path_factory.mktemp("engine-cache"))
    yield
    if before is None:
        del os.environ[CACHE_DIR_ENV]
    else:
        os.environ[CACHE_DIR_ENV] = before


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture(scope="session")
def engine(knowledge: KnowledgeBase) -> AnswerEngine:
    return AnswerEngine(knowledge)


@pytest.fixture(scope="session")
def words_only_engine(knowledge: KnowledgeBase) -> AnswerEngine:
    """The engine without its learned classifier: the word matcher's own decisions."""
    return AnswerEngine(knowledge, learned=False)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A loopback Discord (REST and gateway) that discord.py is pointed at for one test."""
    async with running_fake_discord() as running:
        yield running
