"""Plain functions that turn answers and the article's metadata into Discord embeds.

They take knowledge objects and return `discord.Embed`s, with no client, network or state, so
they are tested without Discord. Wording comes from `knowledge.replies`, so a citation reads the
same here as on the command line. Every text is cut to Discord's limits (`bot.limits`) on
purpose: an embed Discord refuses would reach the user as nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import discord

from bot import limits
from knowledge.models import Answer, AnswerStatus, Citation, FactAnswer, KnowledgeBase
from knowledge.replies import date_text, shared_as_of, source_line, statement_text

COLOURS: dict[AnswerStatus, discord.Colour] = {
    "answered": discord.Colour.green(),
    "topic": discord.Colour.blurple(),
    "ambiguous": discord.Colour.gold(),
    "declined": discord.Colour.orange(),
    "rejected": discord.Colour.red(),
}
FACTS_PER_PAGE = 5
# Room kept free for the note that says how many facts did not fit.
_OVERFLOW_RESERVE = 120
# Room on a page of facts for the title, the "Facts a–b of n" line and the footer.
_PAGE_OVERHEAD = limits.EMBED_TITLE + 200
# A field cut shorter than this says too little to be worth showing.
_MIN_FIELD_VALUE = 100

Field = tuple[str, str]


def echo(text: str) -> str:
    """User text made safe to show back: no formatting tricks, no mentions that could ping."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def verbatim(text: str) -> str:
    """Article text shown literally, so a `*` or `_` in a quote is not read as formatting."""
    return discord.utils.escape_markdown(text)


def answer_embed(answer: Answer) -> discord.Embed:
    """The one embed that carries an answer: statement, quoted evidence, source and footer."""
    embed = discord.Embed(
        title=limits.truncate(echo(answer.question) or "Your question", limits.EMBED_TITLE),
        colour=COLOURS[answer.status],
    )
    embed.set_footer(text=_footer(f"Confidence {answer.confidence:.0%}", answer.knowledge_version))
    if answer.status == "answered" and len(answer.facts) == 1:
        fact = answer.facts[0]
        embed.description = _description(answer.lead, statement_text(fact))
        citations = fact.citations
        _add_fields(
            embed,
            [
                (_numbered("Evidence", i, len(citations)), _evidence(c))
                for i, c in enumerate(citations)
            ],
        )
        return embed
    suggestions = "\n".join(f"• {s}" for s in answer.suggestions)
    embed.description = _description(answer.lead, suggestions)
    fields = _fact_fields(answer.facts, dated=shared_as_of(answer.facts) is None)
    _add_fields(embed, fields, hint="`/facts` lists every fact of a topic.")
    return embed


def fact_pages(facts: Sequence[FactAnswer]) -> list[tuple[FactAnswer, ...]]:
    """Split a topic's facts into pages that each fit one embed.

    At most FACTS_PER_PAGE facts go on a page, fewer when they are long, so no page has to
    leave a fact out (one fact longer than a field is still shortened). The split depends
    only on the facts, which lets page buttons carry just a page number.
    """
    pages: list[tuple[FactAnswer, ...]] = []
    page: list[FactAnswer] = []
    size = 0
    budget = limits.EMBED_TOTAL - _PAGE_OVERHEAD - 2 * _OVERFLOW_RESERVE
    for fact, (name, value) in zip(facts, _fact_fields(facts), strict=True):
        needed = len(name) + len(value)
        if page and (len(page) == FACTS_PER_PAGE or size + needed > budget):
            pages.append(tuple(page))
            page, size = [], 0
        page.append(fact)
        size += needed
    if page:
        pages.append(tuple(page))
    return pages


def facts_page_embed(
    title: str,
    facts: Sequence[FactAnswer],
    page: int,
    pages: int,
    *,
    first: int,
    total: int,
    version: str,
) -> discord.Embed:
    """One page of a topic's facts; `first` is the 1-based number of its first fact."""
    last = first + len(facts) - 1
    embed = discord.Embed(
        title=limits.truncate(title, limits.EMBED_TITLE),
        description=f"Facts {first}–{last} of {total}, each quoted from the article.",
        colour=COLOURS["topic"],
    )
    embed.set_footer(text=_footer(f"Page {page} of {pages}", version))
    _add_fields(embed, _fact_fields(facts, start=first, total=total))
    return embed


def source_embed(knowledge: KnowledgeBase, paragraph: int | None = None) -> discord.Embed:
    """The article's headline, date and outlets, and optionally one paragraph verbatim."""
    source = knowledge.source
    embed = discord.Embed(
        title=limits.truncate(source.headline, limits.EMBED_TITLE), colour=COLOURS["topic"]
    )
    passage = knowledge.article.container(paragraph) if paragraph is not None else None
    if passage is not None:
        text = f"**Paragraph {paragraph}**\n{verbatim(passage.text)}"
        embed.description = limits.truncate(text, limits.EMBED_DESCRIPTION)
    else:
        embed.description = (
            f"The article has {knowledge.article.paragraph_count} paragraphs; "
            "`/source paragraph:` shows any one of them word for word."
        )
    embed.add_field(name="Published", value=date_text(source.published))
    outlets = ", ".join(source.credited_outlets)
    embed.add_field(
        name="Credited outlets", value=limits.truncate(outlets, limits.EMBED_FIELD_VALUE)
    )
    embed.set_footer(text=_footer("Source", knowledge.version))
    return embed


def help_embed(knowledge: KnowledgeBase, examples: Iterable[str], *, me: str) -> discord.Embed:
    """What the bot knows and the ways to ask it.

    `examples` are questions that work; `me` is how to mention the bot (its mention, which
    Discord shows as @name and which never pings inside an embed).
    """
    source = knowledge.source
    embed = discord.Embed(
        title="What I can tell you",
        description=limits.truncate(
            f"I answer questions about one article: “{source.headline}” "
            f"({date_text(source.published)}), credited to {', '.join(source.credited_outlets)}. "
            "Every answer quotes the article word for word and says which paragraph it is from. "
            "If the article doesn't say, I tell you so instead of guessing.",
            limits.EMBED_DESCRIPTION,
        ),
        colour=COLOURS["topic"],
    )
    embed.add_field(
        name="How to ask",
        value=(
            "`/ask question:` ask anything; suggestions appear while you type\n"
            f"Mention me with a question: {me} what does the Netflix AI job pay?\n"
            "`/facts topic:` every fact on a topic, page by page\n"
            "`/source [paragraph]` the article's details, or one paragraph verbatim"
        ),
        inline=False,
    )
    topics = "\n".join(f"• {topic.title}" for topic in knowledge.topics)
    embed.add_field(
        name="Topics", value=limits.truncate(topics, limits.EMBED_FIELD_VALUE) or "–", inline=False
    )
    questions = "\n".join(f"• {question}" for question in examples)
    if questions:
        embed.add_field(
            name="Try", value=limits.truncate(questions, limits.EMBED_FIELD_VALUE), inline=False
        )
    embed.set_footer(text=_footer("Help", knowledge.version))
    return embed


def _description(*parts: str) -> str:
    return limits.truncate("\n".join(p for p in parts if p), limits.EMBED_DESCRIPTION)


def _footer(label: str, version: str) -> str:
    return limits.truncate(f"{label} · knowledge base {version}", limits.EMBED_FOOTER)


def _numbered(label: str, index: int, count: int) -> str:
    return label if count == 1 else f"{label} {index + 1} of {count}"


def _evidence(citation: Citation) -> str:
    """A verbatim quote as a block quote, then where it is and who said it."""
    quote = verbatim(citation.quote).replace("\n", "\n> ")
    return f"> {quote}\n— {source_line(citation)}"


def _fact_fields(
    facts: Sequence[FactAnswer], *, start: int = 1, total: int | None = None, dated: bool = True
) -> list[Field]:
    """One field per fact: its statement and every quote behind it.

    The statement carries its as-of date unless `dated` is False, when the embed's lead
    already states it once for all.
    """
    total = len(facts) if total is None else total
    return [
        (
            f"Fact {start + i} of {total}",
            "\n".join([statement_text(fact, dated=dated), *(_evidence(c) for c in fact.citations)]),
        )
        for i, fact in enumerate(facts)
    ]


def _add_fields(embed: discord.Embed, fields: Sequence[Field], *, hint: str = "") -> None:
    """Add `fields` while the embed stays within Discord's limits, then say what was left out.

    A field that no longer fits whole is shortened when enough room is left for it to say
    something; otherwise it and the rest are replaced by one note that counts them, followed
    by `hint` on where to see them.
    """
    for index, (full_name, full_value) in enumerate(fields):
        is_last = index == len(fields) - 1
        name = limits.truncate(full_name, limits.EMBED_FIELD_NAME)
        value = limits.truncate(full_value, limits.EMBED_FIELD_VALUE) or "\u200b"
        reserve = 0 if is_last else _OVERFLOW_RESERVE
        room = limits.EMBED_TOTAL - len(embed) - reserve - len(name)
        free_slots = limits.EMBED_FIELDS - len(embed.fields) - (0 if is_last else 1)
        if free_slots >= 1 and room >= min(len(value), _MIN_FIELD_VALUE):
            embed.add_field(name=name, value=limits.truncate(value, room), inline=False)
            continue
        left = len(fields) - index
        note = f"{left} more did not fit in this message. {hint}".strip()
        embed.add_field(name="Not shown", value=note, inline=False)
        return
