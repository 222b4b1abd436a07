"""Measure answer quality on a labelled question set, against a plain fuzzy-match baseline.

Run it with `python -m knowledge.evaluation` from a checkout. A case is *correct* when the
engine states one of the expected facts (or the expected topic), or declines a question
labelled "decline"; *wrong* when it states anything else (including answering a question
that should be declined); and *declined* when it declines a question it should have
answered. Wrong answers are what the engine is designed against, so they are reported on
their own rather than folded into accuracy.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz, process

from knowledge.engine import AnswerEngine
from knowledge.loading import KnowledgeBaseError, load_knowledge_base
from knowledge.models import KnowledgeBase

DEFAULT_CASES = Path("tests/eval/questions.toml")
DECLINE = "decline"
BASELINE_CUTOFF = 60.0
Outcome = Literal["correct", "wrong", "declined"]


class Case(BaseModel):
    """One labelled question."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    question: str
    expect: tuple[str, ...] = Field(min_length=1)
    category: str
    split: Literal["tune", "holdout"]
    batch: int | None = Field(default=None, ge=1)  # which writers' batch it came from


class CaseFile(BaseModel):
    """The evaluation file."""

    cases: tuple[Case, ...] = Field(min_length=1)


class Tally(BaseModel):
    """Outcome counts for a group of cases."""

    correct: int = 0
    wrong: int = 0
    declined: int = 0

    @property
    def total(self) -> int:
        """Number of cases counted."""
        return self.correct + self.wrong + self.declined

    def rate(self, outcome: Outcome) -> float:
        """Share of cases with this outcome (0 for an empty group)."""
        return getattr(self, outcome) / self.total if self.total else 0.0


class Report(BaseModel):
    """Tallies of one system on one split."""

    system: str
    split: str
    by_category: dict[str, Tally]
    overall: Tally
    out_of_scope: Tally
    misses: list[tuple[str, str, str]]


def load_cases(path: Path) -> tuple[Case, ...]:
    """Read and validate the evaluation file."""
    with path.open("rb") as handle:
        return CaseFile.model_validate(tomllib.load(handle)).cases


def engine_labels(engine: AnswerEngine) -> Callable[[str], frozenset[str]]:
    """What the engine claims for a question: fact ids, a topic, or nothing (declined)."""

    def labels(question: str) -> frozenset[str]:
        answer = engine.ask(question)
        if answer.status == "topic":
            return frozenset({f"topic:{answer.facts[0].topic}"})
        if answer.status == "answered":
            return frozenset(answer.fact_ids)
        return frozenset()

    return labels


def baseline_labels(knowledge: KnowledgeBase) -> Callable[[str], frozenset[str]]:
    """Plain rapidfuzz WRatio of the question against every sentence of the article.

    The best sentence above a fixed cutoff counts as the answer; it is credited with every fact
    (and topic) whose evidence lies in that sentence.
    """
    passages = [p for p in knowledge.article.passages if p.sentence is not None or not p.paragraph]
    credits: list[frozenset[str]] = []
    for passage in passages:
        ids = {
            label
            for fact in knowledge.facts
            if any(c.start < passage.end and passage.start < c.end for c in fact.citations)
            for label in (fact.id, f"topic:{fact.topic}")
        }
        credits.append(frozenset(ids))
    texts = [p.text for p in passages]

    def labels(question: str) -> frozenset[str]:
        found = process.extractOne(
            question, texts, scorer=fuzz.WRatio, score_cutoff=BASELINE_CUTOFF
        )
        return credits[found[2]] if found else frozenset()

    return labels


def outcome(claimed: frozenset[str], expected: Iterable[str]) -> Outcome:
    """Judge one case: for a question that should be declined, declining is correct."""
    expected = set(expected)
    if not claimed:
        return "correct" if DECLINE in expected else "declined"
    if DECLINE in expected:
        return "wrong"
    return "correct" if claimed & expected else "wrong"


def evaluate(
    system: str, labels: Callable[[str], frozenset[str]], cases: Iterable[Case], split: str
) -> Report:
    """Tally one system on the cases of one split ("all" for every case)."""
    by_category: dict[str, Tally] = defaultdict(Tally)
    overall, out_of_scope = Tally(), Tally()
    misses: list[tuple[str, str, str]] = []
    for case in cases:
        if split not in ("all", case.split):
            continue
        claimed = labels(case.question)
        result = outcome(claimed, case.expect)
        for tally in (by_category[case.category], overall):
            setattr(tally, result, getattr(tally, result) + 1)
        if DECLINE in case.expect:
            setattr(out_of_scope, result, getattr(out_of_scope, result) + 1)
        if result != "correct":
            misses.append((result, case.question, ",".join(sorted(claimed)) or "-"))
    return Report(
        system=system,
        split=split,
        by_category=dict(sorted(by_category.items())),
        overall=overall,
        out_of_scope=out_of_scope,
        misses=misses,
    )


def format_report(report: Report) -> str:
    """A per-category table a person can read in a terminal."""
    lines = [
        f"{report.system} — {report.split} split",
        f"{'category':<16}{'cases':>6}{'correct':>9}{'wrong':>8}{'declined':>10}",
    ]
    rows = [*report.by_category.items(), ("ALL", report.overall)]
    for name, tally in rows:
        lines.append(
            f"{name:<16}{tally.total:>6}{tally.rate('correct'):>9.1%}"
            f"{tally.rate('wrong'):>8.1%}{tally.rate('declined'):>10.1%}"
        )
    lines.append(
        f"out-of-scope declined: {report.out_of_scope.rate('correct'):.1%} "
        f"of {report.out_of_scope.total}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print quality tables for the engine and the baseline on both splits."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--split", choices=["tune", "holdout", "all"], nargs="*")
    parser.add_argument("--misses", action="store_true", help="list the cases not answered right")
    parser.add_argument(
        "--data",
        type=Path,
        help="knowledge-base folder to measure instead of the shipped one, e.g. an edited copy",
    )
    args = parser.parse_args(argv)
    try:
        cases = load_cases(args.cases)
    except FileNotFoundError:
        print(f"error: no evaluation file at {args.cases}; run from a checkout", file=sys.stderr)
        return 2
    try:
        knowledge = load_knowledge_base(args.data)
    except KnowledgeBaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    # The word matcher alone shows what the learned classifier adds. On the tune split the
    # classifier has seen the questions, so only the held-out split measures it fairly.
    systems = {
        "engine": engine_labels(AnswerEngine(knowledge)),
        "engine, word matcher alone": engine_labels(AnswerEngine(knowledge, learned=False)),
        "baseline (WRatio vs sentences)": baseline_labels(knowledge),
    }
    for split in args.split or ["tune", "holdout"]:
        for name, labels in systems.items():
            report = evaluate(name, labels, cases, split)
            print(format_report(report), end="\n\n")
            if args.misses and name == "engine":
                for result, question, claimed in report.misses:
                    print(f"  {result:<9}{claimed:<40}{question}")
                print()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. `python -m knowledge.evaluation | head`
        sys.stderr.close()
