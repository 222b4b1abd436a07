"""Cleaning Discord noise, splitting the article, and normalising words."""

from __future__ import annotations

import re
import tomllib

import pytest

from knowledge.article import ArticleFormatError, parse_article
from knowledge.cleaning import QuestionRejected, clean_question
from knowledge.evaluation import DEFAULT_CASES, load_cases
from knowledge.language import (
    Language,
    LanguageRecord,
    states_count,
    states_day,
    states_month,
    stem,
    words_of,
)
from knowledge.loading import LANGUAGE_FILE, default_data_dir


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<@123> yo bot, which union??", "yo bot, which union??"),
        ("<@!42> <@&7> <#99> hi", "hi"),
        ("**bold** __under__ ||spoiler|| `code`", "bold under spoiler code"),
        # Struck-out words were taken back, unless nothing else is left.
        ("~~netflix~~ disney: hiring AI people too?", "disney: hiring AI people too?"),
        ("~~is the strike over~~ 🪧", "is the strike over"),
        ("deepfake show? <:pepe:1234567890> 🤔🔥", "deepfake show?"),
        ("see https://example.com/a?b=c and www.x.org now", "see and now"),
        ("@everyone @here who is iger", "who is iger"),
        ("> quoted line\nreply :thinking:", "quoted line reply"),
    ],
)
def test_discord_noise_is_stripped(raw, clean):
    assert clean_question(raw) == clean


def test_the_ascii_fast_path_cleans_exactly_like_the_general_one():
    # A few control characters (too many would read as binary), then every printable one.
    ascii_text = "\x01\x07\x1b\x7f" + "".join(chr(code) for code in range(32, 127))
    cleaned = clean_question(ascii_text)
    assert "^" not in cleaned
    assert "\x7f" not in cleaned
    assert clean_question(ascii_text + " é") == cleaned + " é"  # the per-character path


def test_only_noise_leaves_nothing_to_match():
    assert clean_question("<@123> 🤔") == ""


def test_rejections_explain_themselves():
    with pytest.raises(QuestionRejected, match="empty"):
        clean_question(" ")
    with pytest.raises(QuestionRejected, match="too long"):
        clean_question("a" * 2001)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("$900K job", ["900000", "job"]),
        ("$300,000 to $900,000", ["300000", "to", "900000"]),
        ("26 grand a year", ["26000", "a", "year"]),
        ("87% of actors", ["87", "percent", "of", "actors"]),
        ("Netflix’s “AI” job—worth it", ["netflix", "ai", "job", "worth", "it"]),
        ("since 1960", ["since", "1960"]),
    ],
)
def test_words_normalise_amounts_quotes_and_possessives(text, words):
    assert words_of(text) == words


def test_stemming_is_consistent_across_forms():
    assert stem("striking") == stem("strikes") == stem("strike")
    assert stem("salaries") == "salary"
    assert stem("news") == "news"  # too short to strip: "new" is another word


@pytest.mark.parametrize(
    ("statement", "counts"),
    [
        ("for up to $650,000 a year", True),
        ("87% of the guild's actors", True),
        ("paid for one day", True),
        ("several machine learning-related positions", False),
        ("the first joint strike since 1960", False),
        ("published on July 31, 2023", False),
        ("on strike since May", False),
    ],
)
def test_a_number_is_told_apart_from_a_date_or_a_vague_amount(statement, counts):
    assert states_count(statement) is counts


def test_questions_that_want_a_number_are_recognised(knowledge):
    asks = knowledge.language.asks_count
    assert asks("how many ML jobs did Disney post?")
    assert asks("how many years of experience does the job need")
    assert asks("what percentage of actors earn under 26k")
    assert not asks("how many months have the writers been on strike")  # a duration
    assert not asks("how much does the netflix ml job pay")


@pytest.mark.parametrize(
    ("states", "text", "gives"),
    [
        (states_day, "published on July 31, 2023", True),
        (states_day, "on strike since May", False),
        (states_day, "earlier in July 2023", False),
        (states_month, "on strike since May", True),
        (states_month, "published on July 31, 2023", True),
        (states_month, "the first joint strike since 1960", False),
        (states_month, "it may be disruptive", False),  # the verb, not the month
    ],
)
def test_a_day_or_a_month_is_told_apart_from_coarser_dates(states, text, gives):
    assert states(text) is gives


@pytest.mark.parametrize(
    ("check", "question", "asks"),
    [
        ("asks_day", "what exact day in May did the writers walk out?", True),
        ("asks_day", "On which date did this come out", True),
        ("asks_day", "when did the writers walk out?", False),  # a month answers that
        ("asks_day", "what did they pay for a day of work?", False),
        ("asks_month", "wat month in 1960 was the last joint strike", True),
        ("asks_month", "Which month did the actors join?", True),
        ("asks_month", "how many months have the writers been on strike", False),  # a duration
        ("asks_month", "when did the writers walk out?", False),
    ],
)
def test_questions_that_want_a_day_or_a_month_are_recognised(knowledge, check, question, asks):
    assert getattr(knowledge.language, check)(question) is asks


def test_the_names_a_statement_gives_are_its_capitalised_words(knowledge):
    names = knowledge.language.names_in("The WGA is the Writers Guild of America.")
    assert names == {"wga", "writer", "guild", "america"}
    # An acronym for a common thing is no name: this sentence names Netflix and nothing else.
    assert knowledge.language.names_in("Netflix's gaming department has used AI.") == {"netflix"}
    # A month is a date, not a name: "what's the union called?" is not answered by "in July".
    assert knowledge.language.names_in("SAG-AFTRA joined in July 2023.") == {"sag", "aftra"}
    assert knowledge.language.asks_name("what's the gaming studio called?")
    assert not knowledge.language.asks_name("what did the studio say?")


def test_article_is_split_into_addressable_passages(knowledge):
    article = knowledge.article
    assert article.paragraph_count == 11
    assert article.container("headline").text == knowledge.source.headline
    paragraph_8 = article.sentences_of(8)
    assert len(paragraph_8) == 3
    # "“unrealistic.” hinted at" is one sentence: the next word is lower case.
    assert "“unrealistic.” hinted" in paragraph_8[1].text
    for passage in article.passages:
        assert article.text[passage.start : passage.end] == passage.text


def test_article_without_a_dateline_is_rejected():
    with pytest.raises(ArticleFormatError, match="date"):
        parse_article("Headline\n\nNot a date\n\nBody.")
    with pytest.raises(ArticleFormatError, match="block"):
        parse_article("Only a headline")


def test_every_sentence_with_a_number_date_or_quote_is_covered_by_a_fact(knowledge):
    """The facts must cover everything checkable the article states."""
    months = "January|February|March|April|May|June|July|August|September|October|November|December"
    checkable = re.compile(rf"\d|%|“|\b({months})\b|this month")
    spans = [(c.start, c.end) for f in knowledge.facts for c in f.citations]
    uncovered = [
        p.ref
        for p in knowledge.article.passages
        if (p.sentence is not None or p.paragraph is None)
        and checkable.search(p.text)
        and not any(start < p.end and p.start < end for start, end in spans)
    ]
    assert uncovered == []


def test_every_quotation_in_the_article_is_quoted_whole_by_some_fact(knowledge):
    text = knowledge.article.text
    spans = [(c.start, c.end) for f in knowledge.facts for c in f.citations]
    for quotation in re.finditer(r"“[^”]+”", text):
        assert any(start <= quotation.start() and quotation.end() <= end for start, end in spans), (
            quotation.group()
        )


def test_an_empty_pattern_list_matches_nothing():
    # The lists are joined into one alternation; joining none must not match everything.
    language = Language.build(LanguageRecord(stopwords=("a",), synonyms={}))
    assert not language.asks_count("how many jobs?")
    assert not language.is_injection("ignore the rules")


def test_joined_patterns_match_exactly_where_one_of_them_does(knowledge):
    # A shared leading word boundary is checked once for speed; a pattern whose top-level
    # "|" would then bind the boundary to its other branch too is kept whole.
    patterns = (r"\bignore\b", r"\bfoo|bar", r"[|(]x\)", r"\bsay\s+['(|]")
    language = Language.build(
        LanguageRecord(stopwords=("a",), synonyms={}, injection_patterns=patterns)
    )
    texts = ["please ignore it", "rebar", "xfoo", "a (x) b", "|x)", "say (", "say|", "essay ("]
    cases = [c.question for c in load_cases(DEFAULT_CASES)][:2000]
    for text in texts + cases:
        separately = any(re.search(p, text, re.IGNORECASE) for p in patterns)
        assert language.is_injection(text) is separately, text
    shipped = knowledge.language
    with (default_data_dir() / LANGUAGE_FILE).open("rb") as handle:
        record = LanguageRecord.model_validate(tomllib.load(handle))
    for text in cases:
        separately = any(re.search(p, text, re.IGNORECASE) for p in record.injection_patterns)
        assert shipped.is_injection(text) is separately, text
