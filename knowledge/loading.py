"""Load and validate the knowledge base from its data files.

Every problem is reported with the file, the fact id and the field, so whoever edits the facts
file can fix it without reading Python. All problems are collected, not just the first.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from knowledge.article import ArticleFormatError, parse_article
from knowledge.classifier import ClassifierRecord
from knowledge.language import Language, LanguageRecord
from knowledge.models import (
    Article,
    Citation,
    EvidenceRecord,
    Fact,
    FactRecord,
    FactsFile,
    KnowledgeBase,
    Source,
    Topic,
)

FACTS_FILE = "facts.toml"
LANGUAGE_FILE = "language.toml"
CLASSIFIER_FILE = "classifier.json"
Parsed = TypeVar("Parsed")
_CLASSIFIER_PROBLEMS_SHOWN = 3


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file."""

    file: str
    fact_id: str | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"fact {self.fact_id!r}, " if self.fact_id else ""
        return f"{self.file}: {where}field {self.field!r}: {self.message}"


class KnowledgeBaseError(Exception):
    """The knowledge base failed validation; `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def default_data_dir() -> Path:
    """The data shipped inside the package (works from a wheel as well as a checkout)."""
    return Path(str(files("knowledge") / "data"))


def load_knowledge_base(
    data_dir: Path | None = None, *, with_classifier: bool = True
) -> KnowledgeBase:
    """Read, validate and resolve the knowledge base in `data_dir`.

    Raises KnowledgeBaseError listing every problem found. Without the classifier, the one
    generated file is not read, so a broken one can still be replaced by retraining.
    """
    directory = data_dir or default_data_dir()
    facts_path = directory / FACTS_FILE
    raw = _read_toml(facts_path)
    article_path = directory / str(raw.get("source", {}).get("file", ""))
    article = _read_article(article_path, facts_path)
    facts_file = _validate_facts(raw, article, facts_path)
    _check_consistency(facts_file, article, facts_path)
    language = _read_language(directory / LANGUAGE_FILE)
    classifier_path = directory / CLASSIFIER_FILE
    classifier = _read_classifier(classifier_path) if with_classifier else None
    version = _version([facts_path, article_path, classifier_path], language)
    return _resolve(facts_file, article, language, classifier, version)


def _read_toml(path: Path) -> dict[str, Any]:
    return _read_data(path, tomllib.loads, tomllib.TOMLDecodeError, "TOML")


def _read_data(
    path: Path, parse: Callable[[str], Parsed], syntax_error: type[ValueError], syntax: str
) -> Parsed:
    """A data file's parsed content; every way reading it can fail is one Problem."""
    try:
        return parse(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise KnowledgeBaseError([Problem(str(path), None, "-", "file not found")]) from None
    except syntax_error as error:
        raise KnowledgeBaseError(
            [Problem(str(path), None, "-", f"not valid {syntax}: {error}")]
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise KnowledgeBaseError([Problem(str(path), None, "-", str(error))]) from None


def _read_article(path: Path, facts_path: Path) -> Article:
    try:
        return parse_article(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        problem = Problem(str(facts_path), None, "source.file", f"cannot read {path}: {error}")
    except ArticleFormatError as error:
        problem = Problem(str(path), None, "-", str(error))
    raise KnowledgeBaseError([problem])


def _validate_facts(raw: dict[str, Any], article: Article, path: Path) -> FactsFile:
    try:
        return FactsFile.model_validate(raw, context={"article": article})
    except ValidationError as error:
        raise KnowledgeBaseError(_problems_from(error, raw, path)) from None


def _problems_from(error: ValidationError, raw: dict[str, Any], path: Path) -> list[Problem]:
    errors = error.errors(include_url=False)
    # A tuple whose only item failed also reports "too short"; the item's error says it all.
    failed_items = {tuple(e["loc"][:-2]) for e in errors if len(e["loc"]) >= 2}
    return [
        _problem_from(e, raw, path)
        for e in errors
        if not (e["type"] == "too_short" and tuple(e["loc"]) in failed_items)
    ]


def _problem_from(error: ErrorDetails, raw: dict[str, Any], path: Path) -> Problem:
    """Turn a pydantic error location into (fact id, field) a person can look up."""
    loc = list(error["loc"])
    fact_id: str | None = None
    if len(loc) >= 2 and loc[0] in ("facts", "topics") and isinstance(loc[1], int):
        entries = raw.get(loc[0], [])
        entry = entries[loc[1]] if loc[1] < len(entries) else {}
        label = str(entry.get("id", f"#{loc[1] + 1}")) if isinstance(entry, dict) else "?"
        fact_id = label if loc[0] == "facts" else f"topic {label}"
        loc = loc[2:]
    field = ""
    for part in loc:
        field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else str(part))
    return Problem(str(path), fact_id, field or "-", error["msg"].removeprefix("Value error, "))


def _check_consistency(facts_file: FactsFile, article: Article, path: Path) -> None:
    """Rules that span records: unique ids, known topics, metadata that matches the article."""
    file = str(path)
    problems: list[Problem] = []
    if facts_file.source.headline != article.headline:
        problems.append(
            Problem(file, None, "source.headline", "does not match the article's first line")
        )
    if facts_file.source.published != article.published:
        problems.append(
            Problem(file, None, "source.published", "does not match the article's dateline")
        )
    topic_ids = [t.id for t in facts_file.topics]
    problems += [
        Problem(file, f"topic {t}", "id", "duplicate topic id") for t in _duplicates(topic_ids)
    ]
    problems += [
        Problem(file, f, "id", "duplicate fact id")
        for f in _duplicates([f.id for f in facts_file.facts])
    ]
    problems += [
        Problem(file, f.id, "topic", f"unknown topic {f.topic!r}; known: {', '.join(topic_ids)}")
        for f in facts_file.facts
        if f.topic not in topic_ids
    ]
    problems += [
        Problem(file, f"topic {t.id}", "id", "topic has no facts")
        for t in facts_file.topics
        if not any(f.topic == t.id for f in facts_file.facts)
    ]
    if problems:
        raise KnowledgeBaseError(problems)


def _duplicates(ids: list[str]) -> list[str]:
    seen: set[str] = set()
    return [i for i in ids if i in seen or seen.add(i)]  # type: ignore[func-returns-value]


def _read_language(path: Path) -> Language:
    raw = _read_toml(path)
    try:
        return Language.build(LanguageRecord.model_validate(raw))
    except ValidationError as error:
        raise KnowledgeBaseError(_problems_from(error, raw, path)) from None


def _read_classifier(path: Path) -> ClassifierRecord | None:
    """The learned second opinion, or None when the folder has none (it is optional)."""
    if not path.exists():
        return None
    raw = _read_data(path, json.loads, json.JSONDecodeError, "JSON")
    try:
        return ClassifierRecord.model_validate(raw)
    except ValidationError as error:
        problems = _problems_from(error, {}, path)
        # A generated file: a few examples say enough, and retraining is the fix.
        shown = problems[:_CLASSIFIER_PROBLEMS_SHOWN]
        shown.append(
            Problem(
                str(path),
                None,
                "-",
                f"{len(problems)} problem(s) in all; regenerate the file with "
                "`python -m knowledge.training`",
            )
        )
        raise KnowledgeBaseError(shown) from None


def _version(paths: list[Path], language: Language) -> str:
    """A short content hash: changes whenever what the bot can say changes."""
    digest = hashlib.sha256()
    for path in paths:
        if path.exists():
            digest.update(path.read_bytes())
    digest.update(language.fingerprint.encode())
    return digest.hexdigest()[:10]


def _resolve(
    facts_file: FactsFile,
    article: Article,
    language: Language,
    classifier: ClassifierRecord | None,
    version: str,
) -> KnowledgeBase:
    source = facts_file.source
    facts = tuple(_resolve_fact(record, article, source) for record in facts_file.facts)
    topics = tuple(
        Topic(
            id=t.id,
            title=t.title,
            questions=t.questions,
            fact_ids=tuple(f.id for f in facts if f.topic == t.id),
        )
        for t in facts_file.topics
    )
    return KnowledgeBase(
        source=source,
        article=article,
        topics=topics,
        facts=facts,
        language=language,
        version=version,
        classifier=classifier,
    )


def _resolve_fact(record: FactRecord, article: Article, source: Source) -> Fact:
    return Fact(
        id=record.id,
        topic=record.topic,
        answer=record.answer,
        attribution=record.attribution,
        as_of=source.published if record.time_bound else None,
        questions=record.questions,
        keywords=record.keywords,
        citations=tuple(_citation(e, article, source, record.attribution) for e in record.evidence),
    )


def _citation(
    evidence: EvidenceRecord, article: Article, source: Source, attribution: tuple[str, ...]
) -> Citation:
    container = article.container(evidence.paragraph)
    span = article.locate(evidence.quote, evidence.paragraph)
    if container is None or span is None:  # validation guarantees both
        raise AssertionError(evidence)
    start, end = span
    sentences = (
        [s for s in article.sentences_of(container.paragraph) if s.start < end and start < s.end]
        if container.paragraph is not None
        else []
    )
    if sentences:
        first, last = sentences[0].sentence, sentences[-1].sentence
        which = f"sentence {first}" if first == last else f"sentences {first}–{last}"
        reference = f"paragraph {container.paragraph}, {which}"
    else:
        reference = container.ref
    return Citation(
        quote=article.text[start:end],
        reference=reference,
        paragraph=container.paragraph,
        sentence=sentences[0].sentence if sentences else None,
        start=start,
        end=end,
        source_title=source.headline,
        source_date=source.published,
        attribution=attribution,
    )
