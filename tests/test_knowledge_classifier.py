"""The learned second opinion: its features, its file, its training, and how the engine uses it."""

from __future__ import annotations

import json
import logging
import math
import shutil
from pathlib import Path

import pytest

from knowledge.classifier import (
    DECLINE,
    Classifier,
    ClassifierRecord,
    features,
    knowledge_fingerprint,
)
from knowledge.cleaning import clean_question
from knowledge.engine import AnswerEngine, Thresholds, usable_classifier
from knowledge.evaluation import DEFAULT_CASES, Case, load_cases
from knowledge.loading import (
    CLASSIFIER_FILE,
    KnowledgeBaseError,
    default_data_dir,
    load_knowledge_base,
)
from knowledge.models import KnowledgeBase
from knowledge.training import (
    DROPOUT_COPIES,
    examples,
    train,
    training_set_fingerprint,
    with_words_dropped,
    write,
)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(default_data_dir(), target)
    return target


def always(knowledge: KnowledgeBase, label: str, probability: float = 0.9999) -> ClassifierRecord:
    """A hand-made model that guesses `label`, this sure, for any text holding the word "how".

    The rest of the probability is spread over "decline" and three other facts, so that even
    a guess under 50% is still the model's most likely label.
    """
    others = [DECLINE, *(f.id for f in knowledge.facts if f.id != label)][:4]
    logit = math.log(len(others) * probability / (1 - probability))
    return ClassifierRecord(
        trained_for=knowledge_fingerprint(knowledge),
        training_set="hand-made",
        labels=(*others, label),
        intercepts=(*(0.0 for _ in others), logit),
        features=("w:how",),
        idf=(1.0,),
        starts=(0, 0),
        label_indices=(),
        weights=(),
    )


def test_features_let_a_typo_share_most_of_the_word():
    right, typo = set(features("salary")), set(features("salery"))
    assert "w:salary" in right
    assert "b:ml manager" in features("ML manager")
    assert len(right & typo) >= len(right) / 3


def test_the_shipped_classifier_is_trained_on_the_current_facts_and_tune_split(knowledge):
    record = knowledge.classifier
    assert record is not None
    retrain = "out of date: retrain with python -m knowledge.training"
    assert record.trained_for == knowledge_fingerprint(knowledge), retrain
    assert record.training_set == training_set_fingerprint(load_cases(DEFAULT_CASES)), retrain
    assert usable_classifier(knowledge) is not None


def test_training_never_sees_the_held_out_split(knowledge):
    cases = load_cases(DEFAULT_CASES)
    tune_only = [c for c in cases if c.split == "tune"]
    assert len(tune_only) < len(cases)
    # Compared by digest, so a failure cannot print held-out questions.
    assert hash(repr(examples(knowledge, cases))) == hash(repr(examples(knowledge, tune_only)))
    assert training_set_fingerprint(cases) == training_set_fingerprint(tune_only)


def test_a_trained_model_round_trips_through_its_file_and_learns_its_examples(knowledge, data_dir):
    cases = [
        Case(
            question="who's the disney boss", expect=("who-bob-iger",), category="t", split="tune"
        ),
        Case(question="is it sunny in burbank", expect=(DECLINE,), category="t", split="tune"),
    ]
    record = train(knowledge, cases)
    write(record, data_dir / CLASSIFIER_FILE)
    reloaded = load_knowledge_base(data_dir).classifier
    assert reloaded == record
    model = Classifier(record)
    fact = knowledge.fact("ml-product-manager-salary")
    assert model.guess(clean_question(fact.questions[0])).label == fact.id


def test_shortened_copies_keep_their_labels_and_are_the_same_every_time():
    texts = ["what does the netflix ml product manager job pay", "who is bob iger"]
    labels = ["ml-product-manager-salary", "who-bob-iger"]
    more_texts, more_labels = with_words_dropped(texts, labels)
    assert more_texts[:2] == texts  # the examples as written come first
    assert more_labels == labels * (1 + DROPOUT_COPIES)
    for text, label in zip(more_texts, more_labels, strict=True):
        source = texts[labels.index(label)].split()
        assert set(text.split()) <= set(source)
    assert any(len(t.split()) < len(texts[0].split()) for t in more_texts[2::2])
    assert with_words_dropped(texts, labels) == (more_texts, more_labels)  # a fixed seed


def test_training_refuses_labels_the_knowledge_base_does_not_have(knowledge):
    cases = [Case(question="who is it", expect=("no-such-fact",), category="t", split="tune")]
    with pytest.raises(ValueError, match="no-such-fact"):
        train(knowledge, cases)


@pytest.mark.parametrize(
    "question",
    [
        "how many ML jobs did Disney post?",  # names Disney; the fact is Netflix's
        "how did the strike end?",  # a subject the article does not cover
    ],
)
def test_a_confident_guess_still_passes_the_truth_checks(knowledge, question):
    label = "ml-product-manager-salary" if "strike" not in question else "writers-strike-start"
    knowledge = knowledge.model_copy(update={"classifier": always(knowledge, label)})
    engine = AnswerEngine(knowledge)
    assert engine.classifier is not None
    assert engine.ask(question).status == "declined"


def test_a_confident_guess_that_passes_the_checks_is_answered(knowledge):
    knowledge = knowledge.model_copy(
        update={"classifier": always(knowledge, "ml-product-manager-salary")}
    )
    answer = AnswerEngine(knowledge).ask("how about that zorblatt gig?")
    assert answer.fact_ids == ("ml-product-manager-salary",)


# The word matcher declines this (its best entry scores 0.65), but its best entry is the ML
# salary, clear of the runner-up (Disney's ML jobs) by more than the seconding margin.
UNSURE = "how much would the ml boss take home?"


def test_the_probe_question_is_one_the_matcher_declines_but_leans_on(knowledge):
    engine = AnswerEngine(knowledge, learned=False)
    analysis = engine.matcher.analyse(clean_question(UNSURE))
    assert engine.ask(UNSURE).status == "declined"
    assert analysis.best is not None
    assert analysis.best.entry.id == "ml-product-manager-salary"
    margin = engine.thresholds.seconded_margin
    assert analysis.best.score - analysis.matches[1].score >= margin


LIMITS = Thresholds()


@pytest.mark.parametrize(
    ("label", "probability", "answered"),
    [
        # unsure, but the matcher seconds it
        ("ml-product-manager-salary", LIMITS.seconded + 0.1, True),
        # too unsure even when seconded
        ("ml-product-manager-salary", LIMITS.seconded - 0.1, False),
        # the matcher's best is another fact
        ("disney-ml-positions", LIMITS.seconded + 0.1, False),
        # sure enough on its own
        ("disney-ml-positions", LIMITS.learned + 0.05, True),
    ],
)
def test_an_unsure_guess_counts_only_when_the_matcher_seconds_it(
    knowledge, label, probability, answered
):
    model = always(knowledge, label, probability)
    answer = AnswerEngine(knowledge.model_copy(update={"classifier": model})).ask(UNSURE)
    assert answer.answered is answered
    if answered:
        assert answer.fact_ids == (label,)
        assert answer.confidence == pytest.approx(probability, abs=0.001)


# The word matcher answers this, but short of certain (0.81): the classifier may contest it.
CONTESTABLE = "how much is the gaming job"


@pytest.mark.parametrize(
    ("label", "probability", "fact_ids"),
    [
        # agrees
        ("generative-ai-director-salary", 0.99, ("generative-ai-director-salary",)),
        # sure the article does not say
        (DECLINE, LIMITS.objection + 0.05, ()),
        # not sure enough to object
        (DECLINE, LIMITS.objection - 0.05, ("generative-ai-director-salary",)),
        # sure of another fact, which then passes the usual checks
        ("who-the-intercept", LIMITS.objection + 0.05, ("who-the-intercept",)),
    ],
)
def test_a_sure_classifier_contests_an_uncertain_match(knowledge, label, probability, fact_ids):
    engine = AnswerEngine(knowledge, learned=False)
    best = engine.matcher.analyse(CONTESTABLE).best
    assert best is not None
    assert engine.thresholds.answer <= best.score < engine.thresholds.unchallenged
    model = always(knowledge, label, probability)
    answer = AnswerEngine(knowledge.model_copy(update={"classifier": model})).ask(CONTESTABLE)
    assert answer.fact_ids == fact_ids, answer.answer


def test_a_certain_match_is_not_contested(knowledge):
    model = always(knowledge, DECLINE)
    answer = AnswerEngine(knowledge.model_copy(update={"classifier": model})).ask(
        "what did iger say on the call"
    )
    assert answer.fact_ids == ("iger-earnings-call",)


def test_a_classifier_trained_for_other_facts_is_not_used(knowledge, caplog):
    stale = always(knowledge, "ml-product-manager-salary").model_copy(
        update={"trained_for": "something-else"}
    )
    with caplog.at_level(logging.WARNING):
        engine = AnswerEngine(knowledge.model_copy(update={"classifier": stale}))
    assert engine.classifier is None
    assert "retrain" in caplog.text
    assert engine.ask("who is bob iger").fact_ids == ("who-bob-iger",)  # words still answer


def test_an_edited_fact_makes_the_shipped_classifier_stale(data_dir):
    facts = data_dir / "facts.toml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("somewhere between", "anywhere between", 1), encoding="utf-8")
    knowledge = load_knowledge_base(data_dir)
    assert knowledge.classifier is not None
    assert usable_classifier(knowledge) is None


def test_no_classifier_file_means_words_only(data_dir):
    (data_dir / CLASSIFIER_FILE).unlink()
    knowledge = load_knowledge_base(data_dir)
    assert knowledge.classifier is None
    assert AnswerEngine(knowledge).ask("who is bob iger").fact_ids == ("who-bob-iger",)


def test_a_broken_classifier_file_names_the_file_and_the_fix(data_dir):
    path = data_dir / CLASSIFIER_FILE
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="not valid JSON") as caught:
        load_knowledge_base(data_dir)
    assert str(path) in str(caught.value)


def test_an_inconsistent_classifier_file_says_which_field(data_dir):
    path = data_dir / CLASSIFIER_FILE
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["label_indices"][0] = len(raw["labels"])  # out of range
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(data_dir)
    message = str(caught.value)
    assert "label_indices must be in 0.." in message
    assert "python -m knowledge.training" in message
    # The trainer reads the knowledge base without it, so the file can be regenerated.
    assert load_knowledge_base(data_dir, with_classifier=False).classifier is None
