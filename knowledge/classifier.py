"""A learned second opinion on which fact a question is about.

The word matcher declines any paraphrase it has no words for ("what's the big N dangling for
that ML gig?"). A linear model trained on thousands of labelled questions recognises many of
them from the shapes of their words. It is consulted when the matcher would not answer, and
to contest the matcher's less certain answers; only a confident guess is used (see
`AnswerEngine`). "Decline" is one of the labels it learns, from the near misses and
out-of-scope questions among its examples.

The model is data, like the facts: `data/classifier.json`, written by `python -m
knowledge.training` and validated at load. It names the knowledge base it was trained with,
and the engine does not use it with any other: after an edit to the facts, until it is
retrained, the bot answers from the matcher alone.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, pairwise
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, model_validator

from knowledge.language import words_of

if TYPE_CHECKING:
    from knowledge.models import KnowledgeBase

DECLINE = "decline"
TOPIC_PREFIX = "topic:"


def features(text: str) -> list[str]:
    """What the model sees of a text: its words, word pairs, and 3- and 4-letter pieces.

    The letter pieces ("sal", "alar", …) let a typo or an unseen inflection share most of its
    features with the word it stands for.
    """
    words = words_of(text)
    found = [f"w:{w}" for w in words]
    found += [f"b:{a} {b}" for a, b in pairwise(words)]
    for word in words:
        found += _pieces(word)
    return found


def _pieces(word: str) -> list[str]:
    padded = f" {word} "
    return [padded[i : i + n] for n in (3, 4) for i in range(len(padded) - n + 1)]


def knowledge_fingerprint(knowledge: KnowledgeBase) -> str:
    """Changes whenever a label's meaning may change: a fact's id, topic, answer or questions."""
    digest = hashlib.sha256()
    for fact in knowledge.facts:
        digest.update(repr((fact.id, fact.topic, fact.answer, fact.questions)).encode())
    for topic in knowledge.topics:
        digest.update(repr((topic.id, topic.questions)).encode())
    return digest.hexdigest()[:16]


def labels_of(knowledge: KnowledgeBase) -> frozenset[str]:
    """Every label the model may give for this knowledge base: a fact, a topic, or decline."""
    facts = {f.id for f in knowledge.facts}
    return frozenset(facts | {TOPIC_PREFIX + t.id for t in knowledge.topics} | {DECLINE})


def is_trained_for(record: ClassifierRecord, knowledge: KnowledgeBase) -> bool:
    """Whether the model was trained with exactly these facts, so its labels mean them."""
    return record.trained_for == knowledge_fingerprint(knowledge) and set(record.labels) <= (
        labels_of(knowledge)
    )


class ClassifierRecord(BaseModel):
    """The `classifier.json` file: a sparse multinomial logistic regression over `features`.

    Feature `i` has inverse document frequency `idf[i]` and non-zero weights
    `weights[starts[i]:starts[i + 1]]` for the labels `label_indices[starts[i]:starts[i + 1]]`
    (a compressed sparse row matrix): flat lists load and validate far faster than a table.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    trained_for: str = Field(min_length=1)
    training_set: str = Field(min_length=1)
    labels: tuple[str, ...] = Field(min_length=2)
    intercepts: tuple[float, ...]
    features: tuple[str, ...]
    idf: tuple[float, ...]
    starts: tuple[int, ...]
    label_indices: tuple[int, ...]
    weights: tuple[float, ...]

    @model_validator(mode="after")
    def _consistent(self) -> ClassifierRecord:
        labels, features = len(self.labels), len(self.features)
        if DECLINE not in self.labels:
            raise ValueError(f"the labels must include {DECLINE!r}")
        expected = [
            ("intercepts", len(self.intercepts), labels),
            ("idf", len(self.idf), features),
            ("starts", len(self.starts), features + 1),
            ("weights", len(self.weights), len(self.label_indices)),
        ]
        for field, found, wanted in expected:
            if found != wanted:
                raise ValueError(f"{field} has {found} entries; expected {wanted}")
        if self.starts[0] != 0 or self.starts[-1] != len(self.weights):
            raise ValueError("starts must run from 0 to the number of weights")
        if any(a > b for a, b in pairwise(self.starts)):
            raise ValueError("starts must not decrease")
        if (
            self.label_indices
            and not 0 <= min(self.label_indices) <= max(self.label_indices) < labels
        ):
            raise ValueError(f"label_indices must be in 0..{labels - 1}")
        if min(self.idf, default=1.0) <= 0:
            raise ValueError("every idf must be positive")
        return self


@dataclass(frozen=True)
class Guess:
    """The model's most likely label for a text, and how sure it is (0..1)."""

    label: str
    probability: float


_WORD_CACHE = 8192


class Classifier:
    """A `ClassifierRecord` unpacked for fast scoring; scores a question in well under 1 ms."""

    def __init__(self, record: ClassifierRecord) -> None:
        self.labels = record.labels
        self._record = record
        self._rows = {feature: row for row, feature in enumerate(record.features)}
        self._word_rows = lru_cache(maxsize=_WORD_CACHE)(self._word_rows_uncached)

    def __getstate__(self) -> dict[str, object]:
        """Everything but the per-process word cache, so a built engine can be pickled."""
        state = self.__dict__.copy()
        del state["_word_rows"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        """Restore a pickled classifier with a fresh word cache."""
        self.__dict__.update(state)
        self._word_rows = lru_cache(maxsize=_WORD_CACHE)(self._word_rows_uncached)

    def guess(self, text: str) -> Guess:
        """The most likely label for `text`; DECLINE with certainty when nothing is known."""
        record = self._record
        # The rows of `features(text)`, in its order (words, word pairs, letter pieces), so
        # the sums below add up exactly as in training; a word's rows are looked up once.
        words = words_of(text)
        known = [self._word_rows(w) for w in words]
        pairs = map(self._rows.get, [f"b:{a} {b}" for a, b in pairwise(words)])
        counts: dict[int, int] = {}
        for row in chain([w for w, _ in known], pairs, [p for _, ps in known for p in ps]):
            if row is not None:
                counts[row] = counts.get(row, 0) + 1
        if not counts:
            return Guess(DECLINE, 1.0)
        # The tf-idf vector, as in training: sublinear term frequency, then unit length. Most
        # features occur once, and 1 + log(1) is exactly 1, so the logarithm is mostly skipped.
        idf, log = record.idf, math.log
        vector = {row: idf[row] if n == 1 else (1 + log(n)) * idf[row] for row, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values()))
        scores = list(record.intercepts)
        starts, indices, weights = record.starts, record.label_indices, record.weights
        for row, value in vector.items():
            scaled = value / norm
            for k in range(starts[row], starts[row + 1]):
                scores[indices[k]] += weights[k] * scaled
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        best = exps.index(1.0)
        return Guess(self.labels[best], 1.0 / sum(exps))

    def _word_rows_uncached(self, word: str) -> tuple[int | None, tuple[int, ...]]:
        """The rows of a word's own feature (or None) and of its letter pieces."""
        rows = self._rows
        return rows.get(f"w:{word}"), tuple(
            r for r in map(rows.get, _pieces(word)) if r is not None
        )
