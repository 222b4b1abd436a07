"""The knowledge base loads, resolves citations, and rejects bad data with precise errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from knowledge.loading import KnowledgeBaseError, default_data_dir, load_knowledge_base
from knowledge.store import KnowledgeStore


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A private, editable copy of the shipped data."""
    target = tmp_path / "data"
    shutil.copytree(default_data_dir(), target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(data_dir: Path) -> list[tuple[str, str | None, str, str]]:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(data_dir)
    return [(Path(p.file).name, p.fact_id, p.field, p.message) for p in caught.value.problems]


def test_shipped_knowledge_base_is_valid(knowledge):
    assert knowledge.source.published.isoformat() == "2023-07-31"
    assert knowledge.source.headline.startswith("Netflix posts AI job worth $900,000")
    assert set(knowledge.source.credited_outlets) == {"The Guardian", "The Intercept"}
    assert len(knowledge.facts) >= 30
    assert len({f.id for f in knowledge.facts}) == len(knowledge.facts)
    assert re.fullmatch(r"[0-9a-f]{10}", knowledge.version)


def test_every_citation_is_a_verbatim_slice_of_the_article(knowledge):
    for fact in knowledge.facts:
        assert fact.citations, fact.id
        for citation in fact.citations:
            assert knowledge.article.text[citation.start : citation.end] == citation.quote
            assert citation.source_title == knowledge.source.headline
            assert citation.attribution == fact.attribution


def test_citation_references_name_paragraph_and_sentence(knowledge):
    salary = knowledge.fact("ml-product-manager-salary").citations[0]
    assert (salary.paragraph, salary.sentence) == (1, 1)
    assert salary.reference == "paragraph 1, sentence 1"
    iger = knowledge.fact("iger-earnings-call").citations[1]
    assert iger.reference == "paragraph 8, sentences 2–3"
    assert knowledge.fact("article-headline").citations[0].reference == "headline"


def test_time_bound_facts_carry_the_article_date(knowledge):
    strike = knowledge.fact("writers-strike-start")
    assert strike.as_of == knowledge.source.published
    assert knowledge.fact("who-bob-iger").as_of == knowledge.source.published  # CEOs change
    assert knowledge.fact("gaming-ai-narratives").as_of is None


def test_quote_with_a_typo_names_file_fact_and_field(data_dir):
    edit(data_dir / "facts.toml", "87% of the guild’s actors", "88% of the guild’s actors")
    [(file, fact_id, field, message)] = problems_of(data_dir)
    assert (file, fact_id, field) == ("facts.toml", "actor-earnings", "evidence[0].quote")
    assert "not verbatim" in message


def test_paragraph_out_of_range_is_rejected(data_dir):
    edit(data_dir / "facts.toml", "paragraph = 9\n", "paragraph = 42\n")
    problems = problems_of(data_dir)
    assert ("facts.toml", "iger-ai-disruptive", "evidence[0].paragraph") in [
        p[:3] for p in problems
    ]
    assert "out of range" in problems[0][3]


def test_quote_in_the_wrong_paragraph_is_rejected(data_dir):
    edit(
        data_dir / "facts.toml",
        'paragraph = 3\nquote = "Writers',
        'paragraph = 4\nquote = "Writers',
    )
    assert [p[:3] for p in problems_of(data_dir)] == [
        ("facts.toml", "writers-strike-start", "evidence[0].quote")
    ]


def test_duplicate_ids_unknown_topics_and_empty_answers_are_all_reported(data_dir):
    facts = data_dir / "facts.toml"
    edit(facts, 'id = "who-wga"', 'id = "who-amptp"')
    edit(facts, 'topic = "ai-use"', 'topic = "robots"')
    problems = problems_of(data_dir)
    assert ("facts.toml", "who-amptp", "id") in [p[:3] for p in problems]
    assert ("facts.toml", "deep-fake-love", "topic") in [p[:3] for p in problems]
    edit(
        facts,
        'id = "who-amptp"',
        'id = "who-wga"',
    )
    edit(facts, 'topic = "robots"', 'topic = "ai-use"')
    edit(facts, 'answer = "Bob Iger is Disney\'s CEO."', 'answer = "   "')
    assert [p[:3] for p in problems_of(data_dir)] == [("facts.toml", "who-bob-iger", "answer")]


def test_metadata_must_match_the_article(data_dir):
    edit(data_dir / "facts.toml", "published = 2023-07-31", "published = 2023-08-01")
    assert [p[:3] for p in problems_of(data_dir)] == [("facts.toml", None, "source.published")]


def test_unreadable_files_fail_cleanly(data_dir):
    (data_dir / "facts.toml").write_text("[[facts]\nid = ", encoding="utf-8")
    [(file, _, _, message)] = problems_of(data_dir)
    assert file == "facts.toml"
    assert "not valid TOML" in message
    (data_dir / "facts.toml").unlink()
    assert "file not found" in problems_of(data_dir)[0][3]


def test_language_file_rejects_a_word_in_two_synonym_groups(data_dir):
    edit(data_dir / "language.toml", 'amount = ["how much",', 'amount = ["wage", "how much",')
    [(file, _, field, message)] = problems_of(data_dir)
    assert (file, field) == ("language.toml", "synonyms")
    assert "'wage' is in both" in message


def test_store_keeps_the_last_good_knowledge_base(data_dir):
    store = KnowledgeStore(data_dir)
    good = store.engine
    edit(data_dir / "facts.toml", "87% of the guild’s actors", "88% of the guild’s actors")
    error = store.reload()
    assert isinstance(error, KnowledgeBaseError)
    assert store.engine is good
    assert store.engine.ask("how much do actors make").answered
    edit(data_dir / "facts.toml", "88% of the guild’s actors", "87% of the guild’s actors")
    edit(
        data_dir / "facts.toml",
        'answer = "Bob Iger is Disney\'s CEO."',
        'answer = "Bob Iger is the CEO of Disney."',
    )
    assert store.reload() is None
    assert store.engine is not good
    assert store.engine.knowledge.version != good.knowledge.version
