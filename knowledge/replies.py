"""Plain-text wording of answers, shared by every front end.

The command line prints `Answer.answer` as is; the Discord embeds reuse the small helpers here
so a citation reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache

from knowledge.models import Citation, FactAnswer


@cache
def date_text(value: date) -> str:
    """A date the way the article writes it: July 31, 2023.

    Cached: a reply names the same few dates in every citation, and `strftime` is slow.
    """
    return f"{value:%B} {value.day}, {value.year}"


def attribution_text(chain: Iterable[str]) -> str:
    """Who the article credits, first-hand source first: "SAG-AFTRA, reported by The Guardian"."""
    first, *rest = chain
    return ", reported by ".join([first, *rest])


def statement_text(fact: FactAnswer, *, dated: bool = True) -> str:
    """The fact's sentence, prefixed with its as-of date when it was only true at the time.

    `dated=False` leaves the date out, for a list that states it once for all its facts.
    """
    if fact.as_of is None or not dated:
        return fact.statement
    return f"As of {date_text(fact.as_of)} (the article's date): {fact.statement}"


def source_line(citation: Citation) -> str:
    """Where a quote comes from and who said it, on one line."""
    return (
        f"{citation.reference} of “{citation.source_title}” ({date_text(citation.source_date)})"
        f" · source: {attribution_text(citation.attribution)}"
    )


def fact_text(fact: FactAnswer, *, dated: bool = True) -> str:
    """A fact with each of its quotes and their sources (see `statement_text` for `dated`)."""
    lines = [statement_text(fact, dated=dated)]
    for citation in fact.citations:
        lines += [f"  > {citation.quote}", f"  — {source_line(citation)}"]
    return "\n".join(lines)


def reply_text(
    lead: str,
    facts: Iterable[FactAnswer],
    suggestions: Iterable[str],
    suggestions_header: str = "Did you mean:",
) -> str:
    """The complete reply: lead sentence, facts with citations, then any suggestions."""
    facts = list(facts)
    parts = [lead] if lead else []
    bullet = "- " if len(facts) > 1 else ""
    dated = shared_as_of(facts) is None
    parts += [bullet + fact_text(fact, dated=dated) for fact in facts]
    suggestions = list(suggestions)
    if suggestions:
        bullets = "\n".join(f"- {s}" for s in suggestions)
        parts.append(f"{suggestions_header}\n{bullets}" if suggestions_header else bullets)
    return "\n\n".join(parts)


def with_as_of_note(lead: str, facts: Sequence[FactAnswer]) -> str:
    """The lead of a list of facts, saying once the as-of date they all share."""
    shared = shared_as_of(facts)
    if shared is None:
        return lead
    return f"{lead} All are as of {date_text(shared)}, the article's date.".strip()


def shared_as_of(facts: Sequence[FactAnswer]) -> date | None:
    """The one as-of date of a list of several facts, said once instead of before each."""
    dates = {fact.as_of for fact in facts if fact.as_of is not None}
    return dates.pop() if len(facts) > 1 and len(dates) == 1 else None
