"""Shared fixtures: the shipped knowledge base is loaded once per test session."""

from __future__ import annotations

import pytest

from knowledge.engine import AnswerEngine
from knowledge.loading import load_knowledge_base
from knowledge.models import KnowledgeBase


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture(scope="session")
def engine(knowledge: KnowledgeBase) -> AnswerEngine:
    return AnswerEngine(knowledge)
