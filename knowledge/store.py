"""Keep the last good knowledge base while the data files are being edited.

A long-running bot reloads its data on request; a broken edit must not take it down or leave
it half-updated, so a new engine replaces the old one only after it loaded and validated.
"""

from __future__ import annotations

import logging
from pathlib import Path

from knowledge.engine import AnswerEngine
from knowledge.loading import KnowledgeBaseError, load_knowledge_base

log = logging.getLogger(__name__)


class KnowledgeStore:
    """Holds the engine for the current knowledge base and swaps it on a successful reload."""

    def __init__(self, data_dir: Path | None = None) -> None:
        """Load the knowledge base; raises KnowledgeBaseError if the first load fails."""
        self.data_dir = data_dir
        self._engine = AnswerEngine(load_knowledge_base(data_dir))

    @property
    def engine(self) -> AnswerEngine:
        """The engine for the last knowledge base that loaded cleanly."""
        return self._engine

    def reload(self) -> KnowledgeBaseError | None:
        """Load the data again; on failure keep the current engine and return the error."""
        try:
            engine = AnswerEngine(load_knowledge_base(self.data_dir))
        except KnowledgeBaseError as error:
            log.error(
                "Knowledge base reload failed; keeping version %s:\n%s",
                self._engine.knowledge.version,
                error,
            )
            return error
        log.info(
            "Knowledge base reloaded: version %s -> %s",
            self._engine.knowledge.version,
            engine.knowledge.version,
        )
        self._engine = engine
        return None
