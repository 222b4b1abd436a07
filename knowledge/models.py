"""Pydantic models for the knowledge base and for the answers built from it.

There are two layers on purpose: the *records* mirror the editable data file and carry its
validation rules, while the resolved models (`Fact`, `Citation`, `Answer`) are what the rest of
the program uses, with offsets and references already worked out.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    computed_field,
    field_validator,
)

from knowledge.classifier import ClassifierRecord
from knowledge.language import Language

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]
NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
PassageName = Literal["headline", "dateline"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- the article -------------------------------------------------------------------------------


class Passage(_Frozen):
    """A headline, dateline, paragraph or sentence of the article, with its offset in the file."""

    ref: str
    paragraph: int | None
    sentence: int | None
    start: int
    text: str

    @property
    def end(self) -> int:
        """Offset just past the passage's last character."""
        return self.start + len(self.text)


class Article(_Frozen):
    """The parsed source article."""

    text: str
    headline: str
    published: date
    paragraph_count: int
    passages: tuple[Passage, ...]

    def container(self, where: int | PassageName) -> Passage | None:
        """The headline, dateline or body paragraph an evidence record points at."""
        ref = where if isinstance(where, str) else f"¶{where}"
        return next((p for p in self.passages if p.ref == ref), None)

    def locate(self, quote: str, where: int | PassageName) -> tuple[int, int] | None:
        """Offsets of `quote` inside the given passage, or None when it is not there.

        Runs of white space in the quote match any white space in the article, because the
        article contains non-breaking spaces that nobody can see, let alone type, in a data
        file. Everything else must match exactly, and citations quote the article's own text.
        """
        container = self.container(where)
        if container is None:
            return None
        exact = container.text.find(quote)
        if exact >= 0:
            return container.start + exact, container.start + exact + len(quote)
        pattern = r"\s+".join(re.escape(part) for part in quote.split())
        found = re.search(pattern, container.text)
        if found is None:
            return None
        return container.start + found.start(), container.start + found.end()

    def sentences_of(self, paragraph: int) -> tuple[Passage, ...]:
        """Sentences of one body paragraph, in order."""
        return tuple(
            p for p in self.passages if p.paragraph == paragraph and p.sentence is not None
        )


# --- the editable data file --------------------------------------------------------------------


class Source(_Frozen):
    """Metadata of the article, as the facts file states it (checked against the article)."""

    file: NonEmptyText
    headline: NonEmptyText
    published: date
    credited_outlets: tuple[NonEmptyText, ...] = Field(min_length=1)


class TopicRecord(_Frozen):
    """A group of facts people ask about as a whole ("what salaries are mentioned?")."""

    id: Slug
    title: NonEmptyText
    questions: tuple[NonEmptyText, ...] = Field(min_length=1)


class EvidenceRecord(_Frozen):
    """A verbatim quote from the article and the passage that holds it.

    The quote is checked against the parsed article (passed as validation context), so a typo
    in the data file is caught at load instead of being shown to users as a "quote".
    """

    paragraph: int | PassageName
    quote: NonEmptyText

    @field_validator("paragraph")
    @classmethod
    def _paragraph_in_range(cls, value: int | str, info: ValidationInfo) -> int | str:
        article = _article_from(info)
        if isinstance(value, int) and not 1 <= value <= article.paragraph_count:
            raise ValueError(f"paragraph {value} is out of range 1..{article.paragraph_count}")
        return value

    @field_validator("quote")
    @classmethod
    def _quote_is_verbatim(cls, value: str, info: ValidationInfo) -> str:
        where = info.data.get("paragraph")
        if where is None:  # the paragraph itself failed; that error is already reported
            return value
        if _article_from(info).locate(value, where) is None:
            raise ValueError(f"quote is not verbatim in paragraph {where}: {value[:60]!r}")
        return value


class FactRecord(_Frozen):
    """One curated fact as written in the data file."""

    id: Slug
    topic: Slug
    answer: NonEmptyText
    attribution: tuple[NonEmptyText, ...] = Field(min_length=1)
    time_bound: bool = False
    questions: tuple[NonEmptyText, ...] = Field(min_length=1)
    keywords: tuple[NonEmptyText, ...] = ()
    evidence: tuple[EvidenceRecord, ...] = Field(min_length=1)


class FactsFile(_Frozen):
    """The whole facts file."""

    source: Source
    topics: tuple[TopicRecord, ...] = Field(min_length=1)
    facts: tuple[FactRecord, ...] = Field(min_length=1)


def _article_from(info: ValidationInfo) -> Article:
    article = info.context.get("article") if isinstance(info.context, dict) else None
    if not isinstance(article, Article):
        raise TypeError("facts must be validated with the parsed article as context")
    return article


# --- the resolved knowledge base ---------------------------------------------------------------


class Citation(_Frozen):
    """A verbatim quote with everything needed to find and credit it."""

    quote: str
    reference: str
    paragraph: int | None
    sentence: int | None
    start: int
    end: int
    source_title: str
    source_date: date
    attribution: tuple[str, ...]


class Topic(_Frozen):
    """A topic and the ids of its facts, in file order."""

    id: str
    title: str
    questions: tuple[str, ...]
    fact_ids: tuple[str, ...]


class Fact(_Frozen):
    """A fact ready to be matched and cited."""

    id: str
    topic: str
    answer: str
    attribution: tuple[str, ...]
    as_of: date | None
    questions: tuple[str, ...]
    keywords: tuple[str, ...]
    citations: tuple[Citation, ...]

    def stated(self) -> FactAnswer:
        """The fact as an answer states it: its sentence, as-of date and citations."""
        return FactAnswer(
            fact_id=self.id,
            topic=self.topic,
            statement=self.answer,
            as_of=self.as_of,
            citations=self.citations,
        )


class KnowledgeBase(_Frozen):
    """Everything the answer engine knows, validated."""

    source: Source
    article: Article
    topics: tuple[Topic, ...]
    facts: tuple[Fact, ...]
    language: Language
    version: str
    # The learned second opinion shipped beside the facts, if any (see knowledge.classifier).
    classifier: ClassifierRecord | None = None

    def fact(self, fact_id: str) -> Fact:
        """The fact with this id; KeyError if there is none."""
        for fact in self.facts:
            if fact.id == fact_id:
                return fact
        raise KeyError(fact_id)

    def topic(self, topic_id: str) -> Topic:
        """The topic with this id; KeyError if there is none."""
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        raise KeyError(topic_id)


# --- answers -----------------------------------------------------------------------------------

AnswerStatus = Literal["answered", "topic", "ambiguous", "declined", "rejected"]


class FactAnswer(_Frozen):
    """One fact stated in an answer, with its citations."""

    fact_id: str
    topic: str
    statement: str
    as_of: date | None
    citations: tuple[Citation, ...]


class Answer(_Frozen):
    """What the engine says about one question.

    `answer` is the complete plain-text reply (statement and quoted evidence), so the command
    line and any other plain-text consumer need no rendering of their own; richer front ends
    such as Discord embeds use `lead`, `facts` and `suggestions` instead.
    """

    question: str
    status: AnswerStatus
    lead: str
    facts: tuple[FactAnswer, ...] = ()
    confidence: float = Field(ge=0.0, le=1.0)
    suggestions: tuple[str, ...] = ()
    answer: str
    knowledge_version: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def answered(self) -> bool:
        """True when the reply states facts from the article."""
        return self.status in ("answered", "topic")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def fact_ids(self) -> tuple[str, ...]:
        """Ids of the facts the reply states."""
        return tuple(f.fact_id for f in self.facts)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def citations(self) -> tuple[Citation, ...]:
        """Every citation of the reply, in order."""
        return tuple(c for f in self.facts for c in f.citations)
