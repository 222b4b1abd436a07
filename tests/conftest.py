"""Shared fixtures: the shipped knowledge base, loaded once per session, and a fake Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fake_discord import FakeDiscord, running_fake_discord

from knowledge.engine import AnswerEngine
from knowledge.loading import load_knowledge_base
from knowledge.models import KnowledgeBase


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture(scope="session")
def engine(knowledge: KnowledgeBase) -> AnswerEngine:
    return AnswerEngine(knowledge)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A loopback Discord (REST and gateway) that discord.py is pointed at for one test."""
    async with running_fake_discord() as running:
        yield running
