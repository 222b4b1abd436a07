"""Turn a question into an `Answer`: answer, list a topic, ask which one, or decline.

A wrong cited fact is worse than no answer, so every path that is not clearly one fact ends in
a decline or a "which did you mean?" with suggestions. The thresholds below were tuned on the
`tune` split of the evaluation set only (see `knowledge.evaluation`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from knowledge.classifier import DECLINE, TOPIC_PREFIX, Classifier, Guess, is_trained_for
from knowledge.cleaning import QuestionRejected, clean_question
from knowledge.language import states_count, states_day, states_money, states_month
from knowledge.matching import Analysis, Entry, Match, Matcher, Weights
from knowledge.models import Answer, AnswerStatus, Fact, KnowledgeBase
from knowledge.replies import reply_text, with_as_of_note

MAX_SUGGESTIONS = 3

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Thresholds:
    """Where the engine draws its lines; all scores are in 0..1."""

    answer: float = 0.75  # below this, decline
    coverage: float = 0.6  # the best entry must explain this much of the question
    margin: float = 0.1  # a runner-up closer than this makes the question ambiguous
    suggest: float = 0.2  # entries at least this good are offered as "did you mean"
    # The learned classifier's guess is used only when this sure. Chosen by cross-validation
    # over the writers' batches (python -m knowledge.training --cross-validate): when it was
    # chosen, 0.8 rather than 0.7 gave up half a point of accuracy for 8 of the 19 wrong
    # answers the classifier added.
    learned: float = 0.8
    # A less sure guess still counts when the word matcher's own best entry, clear of its
    # runner-up by `seconded_margin`, is the same fact: two different readings agreeing.
    # Chosen the same way, over thirty batches (6,662 questions): seconding from 0.4 answered
    # 145 more right than not seconding for 6 more wrong; 0.5 gave up 27 of them for 1 fewer
    # wrong, and a margin of 0 added 40 right for 5 more wrong.
    seconded: float = 0.4
    seconded_margin: float = 0.05
    # A match scoring under `unchallenged` is not stated when the classifier is at least
    # `objection` sure of something else; its own guess then gets the usual checks. Chosen
    # over six writers' batches left out of training (1,629 questions) and fresh batches
    # 47-50 (924): wrong answers fell from 20 to 14 and from 10 to 7, with 1 and 2 more right.
    # With the classifier trained before word dropout, the same brake cost right answers.
    unchallenged: float = 0.95
    objection: float = 0.8


class AnswerEngine:
    """Answers questions from one knowledge base. Cheap to call; build it once."""

    def __init__(
        self,
        knowledge: KnowledgeBase,
        thresholds: Thresholds | None = None,
        weights: Weights | None = None,
        *,
        learned: bool = True,
    ) -> None:
        self.knowledge = knowledge
        self.thresholds = thresholds or Thresholds()
        self.matcher = Matcher(knowledge, weights)
        self.classifier = usable_classifier(knowledge) if learned else None
        self._fact_entries = {e.id: e for e in self.matcher.entries if e.kind == "fact"}
        self._counting = frozenset(f.id for f in knowledge.facts if states_count(f.answer))
        self._money = frozenset(f.id for f in knowledge.facts if states_money(f.answer))
        self._dated = frozenset(f.id for f in knowledge.facts if states_day(f.answer))
        self._monthly = frozenset(f.id for f in knowledge.facts if states_month(f.answer))
        self._names = {f.id: knowledge.language.names_in(f.answer) for f in knowledge.facts}
        self._stated = {f.id: f.stated() for f in knowledge.facts}  # shared: they are frozen
        self._last_guess: tuple[str, Guess] | None = None
        self._catalogue = tuple(
            dict.fromkeys(
                [_as_question(t.questions[0]) for t in knowledge.topics]
                + [_as_question(q) for f in knowledge.facts for q in f.questions]
            )
        )

    def ask(self, question: str) -> Answer:
        """Answer one raw question, as typed by a person; never raises for bad input."""
        try:
            cleaned = clean_question(question)
        except QuestionRejected as rejection:
            shown = "".join(c if c.isprintable() else "\ufffd" for c in question[:200])
            return self._reply(shown, "rejected", str(rejection), confidence=0.0)
        if self.knowledge.language.is_injection(cleaned):
            return self._despite_instructions(cleaned)
        analysis = self.matcher.analyse(cleaned)
        answer = self._decide(cleaned, analysis)
        if answer.answered:
            return answer
        return self._second_try(cleaned, cleaned, analysis, answer) or answer

    def complete(self, partial: str, limit: int = 25) -> list[str]:
        """Example questions that best fit what a user has typed so far, for autocomplete.

        Ranked by rapidfuzz's WRatio, which copes with prefixes and typos; with nothing typed
        yet, the topics' questions come first so a user sees what the bot covers.
        """
        if not partial.strip():
            return list(self._catalogue[:limit])
        ranked = process.extract(
            partial, self._catalogue, scorer=fuzz.WRatio, processor=str.lower, limit=limit
        )
        return [text for text, _score, _index in ranked]

    def default_suggestions(self) -> tuple[str, ...]:
        """Questions that always work, for when nothing in the question matched."""
        return tuple(_as_question(t.questions[0]) for t in self.knowledge.topics[:MAX_SUGGESTIONS])

    def _on_the_asking_clause(
        self, question: str, text: str, whole: Analysis, preface: str = ""
    ) -> Answer | None:
        """Answer a chatty message by the one clause that asks, if the whole was declined.

        In "I was reading about the strike over lunch. When did the writers walk out?" the
        small talk dilutes the match. The asking clause alone is matched under the usual
        thresholds, but only if the whole message names no subject the article does not
        cover, and the fact involves everyone the whole message names: context can change
        what a question means ("My cousin works at Amazon. What do they pay ML managers?").
        """
        clause = self.knowledge.language.asking_clause(text)
        if clause is None or self.matcher.uncovered(whole):
            return None
        focused = self.matcher.analyse(clause)
        top = focused.best
        if top is None or not self._involves_all_named(top.entry, whole):
            return None
        answer = self._decide(question, focused, preface)
        return answer if answer.answered else None

    def _despite_instructions(self, question: str) -> Answer:
        """Answer what a message asks about the article, but never what it instructs.

        Only the clauses free of instructions are matched, under the usual thresholds, so the
        reply is still one of the article's facts with its citation, or a decline.
        """
        remainder = self.knowledge.language.without_instructions(question)
        if remainder:
            preface = "I don't take instructions, but the article does answer your question."
            analysis = self.matcher.analyse(remainder)
            answer = self._decide(question, analysis, preface)
            if answer.answered:
                return answer
            second = self._second_try(question, remainder, analysis, answer, preface)
            if second is not None:
                return second
        return self._reply(
            question,
            "declined",
            "I only report what the article says, and I can't take instructions to say "
            "anything else.",
            suggestions=self.default_suggestions(),
            suggestions_header="You could ask:",
        )

    def _second_try(
        self, question: str, text: str, analysis: Analysis, first: Answer, preface: str = ""
    ) -> Answer | None:
        """What the learned classifier, then the one asking clause, make of an unanswered text.

        The clause is tried only after a decline: a tie between two facts ("ambiguous") is
        not settled by dropping part of the question.
        """
        learned = self._learned(question, analysis, preface)
        if learned is not None or first.status != "declined":
            return learned
        return self._on_the_asking_clause(question, text, analysis, preface)

    def _learned(self, question: str, analysis: Analysis, preface: str = "") -> Answer | None:
        """The learned classifier's answer for a question the matcher would not answer.

        Only a confident guess counts, or a less sure one that the matcher's own best entry
        seconds (the classifier learned to decline too, from the near misses and out-of-scope
        questions among its examples), and it must pass the same checks as the matcher's
        answers: a subject the article does not cover, someone the fact does not involve, or a
        number or name it does not give still mean a decline.
        """
        if self.classifier is None or self.matcher.uncovered(analysis):
            return None
        guess = self._guess(self.classifier, analysis.text)
        if guess.label == DECLINE or not (
            guess.probability >= self.thresholds.learned or self._seconded(guess, analysis)
        ):
            return None
        entry = self._fact_entries.get(guess.label)
        if entry is not None and not (
            self._involves_all_named(entry, analysis) and self._gives_what_is_asked(entry, analysis)
        ):
            return None
        return self._state(question, guess.label, guess.probability, preface)

    def _guess(self, classifier: Classifier, text: str) -> Guess:
        """The classifier's guess, computed once when a decline asks for it a second time."""
        last = self._last_guess
        if last is not None and last[0] == text:
            return last[1]
        guess = classifier.guess(text)
        self._last_guess = (text, guess)
        return guess

    def _objected(self, best: Match, analysis: Analysis) -> bool:
        """Whether the classifier, sure of another answer, contests a less than certain match.

        A topic is not contested by a guess of one of its own facts: the list cites it.
        """
        top = analysis.best
        if self.classifier is None or top is None or top.score >= self.thresholds.unchallenged:
            return False
        guess = self._guess(self.classifier, analysis.text)
        label = _label(best)
        if guess.probability < self.thresholds.objection or guess.label == label:
            return False
        return not (
            best.entry.kind == "topic"
            and guess.label in self.knowledge.topic(best.entry.id).fact_ids
        )

    def _seconded(self, guess: Guess, analysis: Analysis) -> bool:
        """Whether the matcher's best entry, clear of its runner-up, is the guessed label."""
        top = analysis.best
        if (
            top is None
            or guess.probability < self.thresholds.seconded
            or _label(top) != guess.label
        ):
            return False
        runner_up = next((m.score for m in analysis.matches if m.entry is not top.entry), 0.0)
        return top.score - runner_up >= self.thresholds.seconded_margin

    def _decide(self, question: str, analysis: Analysis, preface: str = "") -> Answer:
        top = analysis.best
        limits = self.thresholds
        if top is None:
            return self._reply(
                question,
                "declined",
                f"I answer questions about the article “{self.knowledge.source.headline}”.",
                suggestions=self.default_suggestions(),
                suggestions_header="You could ask:",
            )
        if (
            top.score < limits.answer
            or top.coverage < limits.coverage
            or not self._involves_all_named(top.entry, analysis)
            or not self._gives_what_is_asked(top.entry, analysis)
        ):
            return self._not_guessing(question, "I couldn't find that in the article", analysis)
        best = self._prefer_topic(top, analysis.matches)
        rival = next(
            (
                m
                for m in analysis.matches
                if m.entry not in (top.entry, best.entry) and not self._related(best, m)
            ),
            None,
        )
        if rival is not None and top.score - rival.score < limits.margin:
            return self._reply(
                question,
                "ambiguous",
                "That could mean more than one thing in the article, and I'd rather not guess. "
                "Which one did you mean?",
                confidence=top.score,
                suggestions=self._suggestions([best, rival]),
                suggestions_header="",
            )
        if self._objected(best, analysis):
            return self._not_guessing(
                question, "I'm not sure that's what the article says", analysis
            )
        return self._state(question, _label(best), top.score, preface)

    def _not_guessing(self, question: str, reason: str, analysis: Analysis) -> Answer:
        """Decline a question the matcher has a candidate for, offering its closest entries."""
        top = analysis.best
        return self._reply(
            question,
            "declined",
            f"{reason}, and I'd rather not guess.",
            confidence=top.score if top else 0.0,
            suggestions=self._suggestions(analysis.matches) or self.default_suggestions(),
        )

    def _state(self, question: str, label: str, confidence: float, preface: str) -> Answer:
        """Answer with one fact, or with every fact of a topic ("topic:<id>")."""
        if label.startswith(TOPIC_PREFIX):
            topic = self.knowledge.topic(label.removeprefix(TOPIC_PREFIX))
            facts = [self.knowledge.fact(i) for i in topic.fact_ids]
            return self._reply(
                question,
                "topic",
                f"{preface} {topic.title}: {len(facts)} facts from the article.".strip(),
                facts=facts,
                confidence=confidence,
            )
        return self._reply(
            question,
            "answered",
            preface,
            facts=[self.knowledge.fact(label)],
            confidence=confidence,
        )

    def _involves_all_named(self, entry: Entry, analysis: Analysis) -> bool:
        """Whether a fact involves every person, group or thing the question names."""
        if entry.kind == "topic":
            return True
        named = self.knowledge.language.entities.intersection(analysis.terms)
        return named.issubset(entry.terms)

    def _gives_what_is_asked(self, entry: Entry, analysis: Analysis) -> bool:
        """Whether a fact gives the number or the name a question asks for, if it asks one.

        "How many ML jobs did Disney post?" must not cite "several positions", nor "what's
        Netflix's gaming studio called?" the studio's AI use: true, but not answers, and the
        article gives neither. A name counts only if the question does not already hold it.
        A question after a sum in dollars is not answered by a fact whose numbers are not
        money ("one day's pay"); a fact with no number at all may still say none was given.
        "What exact day in May did the writers walk out?" wants a day of the month, which
        "since May" does not give, and "what month in 1960?" a month, which "since 1960" does
        not.
        """
        if entry.kind == "topic":
            return True
        fact, language, text = entry.id, self.knowledge.language, analysis.text
        # The fact's own checks first: each question pattern is searched only when it matters.
        if fact not in self._counting and language.asks_count(text):
            return False
        if fact in self._counting and fact not in self._money and language.asks_money(text):
            return False
        if fact not in self._dated and language.asks_day(text):
            return False
        if fact not in self._monthly and language.asks_month(text):
            return False
        return not language.asks_name(text) or bool(self._names[fact] - analysis.stems)

    def _prefer_topic(self, best: Match, matches: tuple[Match, ...]) -> Match:
        """A question a topic explains as fully as its best fact asks about the whole topic.

        "any quotes?" matches every quote equally well; listing them beats picking one.
        """
        if best.entry.kind == "topic":
            return best
        topic = next(
            (
                m
                for m in matches
                if m.entry.kind == "topic"
                and self._related(best, m)
                and m.coverage >= best.coverage
                and m.score >= self.thresholds.answer
            ),
            None,
        )
        return topic or best

    def _related(self, best: Match, other: Match) -> bool:
        """A topic and one of its own facts are not rivals: either answer is right."""
        kinds = {best.entry.kind, other.entry.kind}
        if kinds != {"fact", "topic"}:
            return False
        fact, topic = (best, other) if best.entry.kind == "fact" else (other, best)
        return self.knowledge.fact(fact.entry.id).topic == topic.entry.id

    def _suggestions(self, matches: list[Match] | tuple[Match, ...]) -> tuple[str, ...]:
        suggestions: list[str] = []
        for match in matches:
            if match.score < self.thresholds.suggest or len(suggestions) >= MAX_SUGGESTIONS:
                continue
            if match.entry.kind == "topic":
                text = self.knowledge.topic(match.entry.id).questions[0]
            else:
                text = self.knowledge.fact(match.entry.id).questions[0]
            if _as_question(text) not in suggestions:
                suggestions.append(_as_question(text))
        return tuple(suggestions)

    def _reply(
        self,
        question: str,
        status: AnswerStatus,
        lead: str,
        *,
        facts: list[Fact] | None = None,
        confidence: float = 0.0,
        suggestions: tuple[str, ...] = (),
        suggestions_header: str = "Did you mean:",
    ) -> Answer:
        stated = tuple(self._stated[f.id] for f in facts or [])
        lead = with_as_of_note(lead, stated)
        return Answer(
            question=question,
            status=status,
            lead=lead,
            facts=stated,
            confidence=round(min(max(confidence, 0.0), 1.0), 3),
            suggestions=suggestions,
            answer=reply_text(lead, stated, suggestions, suggestions_header),
            knowledge_version=self.knowledge.version,
        )


def _label(match: Match) -> str:
    """A match as the classifier names it: a fact id, or "topic:<id>"."""
    return TOPIC_PREFIX + match.entry.id if match.entry.kind == "topic" else match.entry.id


def _as_question(text: str) -> str:
    text = text.strip()
    text = text[0].upper() + text[1:]
    return text if text.endswith("?") else text + "?"


def usable_classifier(knowledge: KnowledgeBase) -> Classifier | None:
    """The knowledge base's learned classifier, if it was trained for exactly these facts.

    After an edit to the facts its labels may mean something else, so until it is retrained
    (`python -m knowledge.training`) the engine answers from the word matcher alone.
    """
    record = knowledge.classifier
    if record is None:
        return None
    if not is_trained_for(record, knowledge):
        log.warning(
            "the learned classifier was trained for other facts and is not used; "
            "retrain it with: python -m knowledge.training"
        )
        return None
    return Classifier(record)
