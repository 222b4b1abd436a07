"""Rendering answers as embeds: what they show, and that Discord would accept every one of them.

Limits are checked with the fake Discord's own validator, which reports what Discord would
refuse, so these tests and the end-to-end ones share one definition of "too long".
"""

from pathlib import Path

import pytest
from bot_support import LONG_TOPIC_QUESTION, add_long_topic, copy_knowledge
from fake_discord.limits import message_errors
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import limits
from bot.cogs.facts import stated_facts
from bot.embeds import answer_embed, echo, fact_pages, facts_page_embed, help_embed, source_embed
from knowledge.engine import AnswerEngine
from knowledge.loading import load_knowledge_base
from knowledge.models import Answer, Citation, FactAnswer
from knowledge.replies import date_text


@pytest.fixture(scope="module")
def engine() -> AnswerEngine:
    return AnswerEngine(load_knowledge_base())


@pytest.fixture(scope="module")
def long_engine(tmp_path_factory: pytest.TempPathFactory) -> AnswerEngine:
    data_dir = copy_knowledge(Path(tmp_path_factory.mktemp("kb")) / "data")
    add_long_topic(data_dir)
    return AnswerEngine(load_knowledge_base(data_dir))


def accepted_by_discord(*embeds: object) -> list[str]:
    return [str(error) for error in message_errors({"embeds": [e.to_dict() for e in embeds]})]  # type: ignore[attr-defined]


# -- what an answer shows ----------------------------------------------------------------------


def test_an_answer_shows_statement_quote_reference_source_and_footer(engine: AnswerEngine) -> None:
    answer = engine.ask("Does Netflix use AI in its games?")
    assert answer.status == "answered"
    assert answer.facts[0].as_of is None  # a timeless fact: the statement stands alone
    citation = answer.facts[0].citations[0]

    embed = answer_embed(answer).to_dict()

    assert embed["title"] == "Does Netflix use AI in its games?"
    assert embed["description"] == answer.facts[0].statement
    evidence = embed["fields"][0]
    assert evidence["name"] == "Evidence"
    assert evidence["value"].startswith(f"> {citation.quote}\n— ")
    for part in (citation.reference, citation.source_title, date_text(citation.source_date)):
        assert part in evidence["value"]
    for credited in citation.attribution:
        assert credited in evidence["value"]
    assert embed["footer"]["text"] == (
        f"Confidence {answer.confidence:.0%} · knowledge base {answer.knowledge_version}"
    )


def test_a_time_bound_fact_says_as_of_when(engine: AnswerEngine) -> None:
    answer = engine.ask("When did the writers go on strike?")
    assert answer.status == "answered"
    assert answer.facts[0].as_of is not None

    description = answer_embed(answer).description or ""

    assert description.startswith(f"As of {date_text(answer.facts[0].as_of)}")


def test_a_topic_lists_each_fact_with_its_quotes(engine: AnswerEngine) -> None:
    answer = engine.ask("strike status")
    assert answer.status == "topic"

    embed = answer_embed(answer)

    assert embed.description == answer.lead
    assert [field.name for field in embed.fields] == [
        f"Fact {n} of {len(answer.facts)}" for n in range(1, len(answer.facts) + 1)
    ]
    for field, fact in zip(embed.fields, answer.facts, strict=True):
        assert all(f"> {c.quote}" in (field.value or "") for c in fact.citations)
        assert (field.value or "").startswith(fact.statement)  # the lead states the as-of date
    assert "All are as of July 31, 2023" in (embed.description or "")
    assert accepted_by_discord(embed) == []


def test_a_decline_lists_its_suggestions(engine: AnswerEngine) -> None:
    answer = engine.ask("what's the weather on mars")
    assert answer.status == "declined"
    assert answer.suggestions

    embed = answer_embed(answer)

    assert embed.description == "\n".join([answer.lead, *(f"• {s}" for s in answer.suggestions)])
    assert embed.fields == []


def test_user_text_is_escaped_so_it_cannot_ping_or_format() -> None:
    question = "@everyone **now** <@123456789012345678> @here"
    answer = Answer(
        question=question,
        status="rejected",
        lead="no",
        confidence=0,
        answer="no",
        knowledge_version="v",
    )

    title = answer_embed(answer).title or ""

    assert "@everyone" not in title
    assert "@here" not in title
    assert "<@123456789012345678>" not in title
    assert "\\*\\*now\\*\\*" in title
    assert echo("plain words") == "plain words"


def test_an_over_long_topic_is_cut_with_a_note_and_stays_within_limits(
    long_engine: AnswerEngine,
) -> None:
    answer = long_engine.ask(LONG_TOPIC_QUESTION)
    assert (answer.status, len(answer.facts)) == ("topic", 30)

    embed = answer_embed(answer)

    assert accepted_by_discord(embed) == []
    assert len(embed) <= limits.EMBED_TOTAL
    assert embed.fields[-1].name == "Not shown"
    shown = len(embed.fields) - 1
    assert embed.fields[-1].value == (
        f"{30 - shown} more did not fit in this message. `/facts` lists every fact of a topic."
    )


def test_fact_pages_cover_every_fact_once_and_each_page_fits(long_engine: AnswerEngine) -> None:
    knowledge = long_engine.knowledge
    facts = stated_facts(knowledge, knowledge.topic("at-length"))

    pages = fact_pages(facts)

    assert [f for page in pages for f in page] == facts
    first = 1
    for number, page in enumerate(pages, start=1):
        embed = facts_page_embed(
            "Everything", page, number, len(pages), first=first, total=len(facts), version="v"
        )
        assert accepted_by_discord(embed) == []
        assert all(field.name != "Not shown" for field in embed.fields)
        assert embed.footer.text == f"Page {number} of {len(pages)} · knowledge base v"
        first += len(page)


def test_source_shows_the_article_and_a_paragraph_verbatim(engine: AnswerEngine) -> None:
    knowledge = engine.knowledge
    paragraph = knowledge.article.container(3)
    assert paragraph is not None

    overview = source_embed(knowledge).to_dict()
    quoted = source_embed(knowledge, 3).to_dict()

    assert overview["title"] == knowledge.source.headline
    values = {field["name"]: field["value"] for field in overview["fields"]}
    assert values == {
        "Published": date_text(knowledge.source.published),
        "Credited outlets": ", ".join(knowledge.source.credited_outlets),
    }
    assert f"{knowledge.article.paragraph_count} paragraphs" in overview["description"]
    assert quoted["description"] == f"**Paragraph 3**\n{paragraph.text}"


def test_help_names_the_article_the_topics_and_the_ways_to_ask(engine: AnswerEngine) -> None:
    knowledge = engine.knowledge

    embed = help_embed(knowledge, engine.default_suggestions(), me="<@42>").to_dict()

    assert knowledge.source.headline in embed["description"]
    fields = {field["name"]: field["value"] for field in embed["fields"]}
    assert all(f"• {topic.title}" in fields["Topics"] for topic in knowledge.topics)
    assert all(way in fields["How to ask"] for way in ("/ask", "<@42> what", "/facts", "/source"))
    assert fields["Try"].splitlines() == [f"• {q}" for q in engine.default_suggestions()]


# -- limits, whatever the input ----------------------------------------------------------------

long_text = st.text(min_size=1, max_size=3000)
citations = st.builds(
    Citation,
    quote=long_text,
    reference=st.text(min_size=1, max_size=300),
    paragraph=st.none() | st.integers(1, 50),
    sentence=st.none() | st.integers(1, 20),
    start=st.just(0),
    end=st.just(1),
    source_title=st.text(min_size=1, max_size=500),
    source_date=st.dates(),
    attribution=st.lists(st.text(min_size=1, max_size=200), min_size=1, max_size=4).map(tuple),
)
fact_answers = st.builds(
    FactAnswer,
    fact_id=st.just("f"),
    topic=st.just("t"),
    statement=long_text,
    as_of=st.none() | st.dates(),
    citations=st.lists(citations, min_size=1, max_size=4).map(tuple),
)
answers = st.builds(
    Answer,
    question=st.text(max_size=2500),
    status=st.sampled_from(["answered", "topic", "ambiguous", "declined", "rejected"]),
    lead=st.text(max_size=5000),
    facts=st.lists(fact_answers, max_size=30).map(tuple),
    confidence=st.floats(0, 1),
    suggestions=st.lists(st.text(min_size=1, max_size=300), max_size=5).map(tuple),
    answer=st.just(""),
    knowledge_version=st.text(min_size=1, max_size=3000),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=answers)
def test_any_answer_renders_within_discords_limits(answer: Answer) -> None:
    embed = answer_embed(answer)

    assert accepted_by_discord(embed) == []
    assert len(embed) <= limits.EMBED_TOTAL
    assert all(field.name and field.value for field in embed.fields)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=st.lists(fact_answers, min_size=1, max_size=25), title=st.text(max_size=400))
def test_any_facts_page_within_discords_limits(facts: list[FactAnswer], title: str) -> None:
    pages = fact_pages(facts)
    first = 1
    for number, page in enumerate(pages, start=1):
        embed = facts_page_embed(
            title, page, number, len(pages), first=first, total=len(facts), version="v" * 40
        )
        assert accepted_by_discord(embed) == []
        first += len(page)
    assert sum(len(page) for page in pages) == len(facts)


@given(text=st.text(max_size=500), limit=st.integers(1, 300))
def test_truncate_never_exceeds_the_limit_and_marks_a_cut(text: str, limit: int) -> None:
    cut = limits.truncate(text, limit)

    assert len(cut) <= limit
    if len(text) <= limit:
        assert cut == text
    elif limit > 1:
        assert cut.endswith(limits.ELLIPSIS)
