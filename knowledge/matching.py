"""Score a question against every fact and topic.

Each fact (and each topic) becomes an entry with a bag of canonical terms drawn from its
keywords, example questions, answer and evidence. A question is scored by how much of *its*
meaning an entry explains (coverage, weighted by how rare each term is), blended with how
closely it resembles one of the entry's example questions. Words the knowledge base has never
seen weigh heavily against every entry: "how much does Amazon pay its ML manager" must not be
answered with Netflix's salary just because four of its five words match.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from knowledge.language import stem, words_of
from knowledge.models import KnowledgeBase

EntryKind = Literal["fact", "topic"]

# Spelling correction: only words long enough to be misspelled meaningfully, and only to a
# word one edit away (two for long words; a swap of two letters is one edit) that starts with
# the same letter, because a wrong correction invents meaning ("season" is not "reason"), and
# typos rarely change the first letter.
_MIN_CORRECTABLE_LENGTH = 4
_LONG_WORD = 8


@dataclass(frozen=True)
class Weights:
    """How the matcher weighs evidence; tuned on the evaluation set's tune split."""

    # How strongly a term counts for an entry, by where the entry's data mentions it.
    keyword: float = 1.0
    answer: float = 0.8
    evidence: float = 0.5
    # Weight of a word the knowledge base has never seen, as a share of the rarest known
    # term's weight: high, because an unknown word usually means the question is about
    # something the article does not cover.
    unknown: float = 1.6
    # Blend of coverage (how much of the question the entry explains) and resemblance to
    # the entry's closest example question (how specifically it does so).
    coverage_share: float = 0.65


@dataclass(frozen=True)
class Example:
    """An example question's terms and their summed weight, precomputed for speed."""

    terms: frozenset[str]
    weight: float


@dataclass(frozen=True)
class Entry:
    """A fact or topic as the matcher sees it."""

    kind: EntryKind
    id: str
    terms: dict[str, float]
    examples: tuple[Example, ...]


@dataclass(frozen=True)
class Match:
    """One entry's score for a question."""

    entry: Entry
    score: float
    coverage: float


@dataclass(frozen=True)
class Analysis:
    """What the matcher understood of a question."""

    text: str
    terms: tuple[str, ...]
    matches: tuple[Match, ...] = field(default=())
    words: tuple[str, ...] = ()  # after spelling correction

    @property
    def best(self) -> Match | None:
        """The highest-scoring entry, if any."""
        return self.matches[0] if self.matches else None

    @cached_property
    def stems(self) -> frozenset[str]:
        """Stems of the question's words; only a name check needs them, so only it pays."""
        return frozenset(stem(w) for w in self.words)


class Matcher:
    """Index of a knowledge base, built once, queried many times."""

    def __init__(self, knowledge: KnowledgeBase, weights: Weights | None = None) -> None:
        self.weights = weights or Weights()
        self.language = knowledge.language
        drafts = list(self._drafts(knowledge))
        frequency: dict[str, int] = {}
        for _kind, _id, terms, _examples in drafts:
            for term in terms:
                frequency[term] = frequency.get(term, 0) + 1
        count = len(drafts)
        self.idf = {term: math.log(1 + count / df) for term, df in frequency.items()}
        self.unknown_weight = self.weights.unknown * math.log(1 + count)
        self.entries = tuple(
            Entry(
                kind=kind,
                id=entry_id,
                terms=terms,
                # fsum: a frozenset's order changes with the hash seed, and a plain float sum
                # with it, which could tip a question sitting exactly on a threshold.
                # Questions that differ only in filler reduce to the same terms; one will do.
                examples=tuple(
                    Example(e, math.fsum(self.idf.get(t, 0.0) for t in e))
                    for e in dict.fromkeys(examples)
                ),
            )
            for kind, entry_id, terms, examples in drafts
        )
        # Inverted indexes: which entries mention a term, and how strongly; and which of
        # their example questions contain it.
        self._postings: dict[str, list[tuple[int, float]]] = {}
        self._example_postings: dict[str, list[int]] = {}
        self._examples: list[tuple[int, float]] = []  # (entry index, example weight)
        for index, entry in enumerate(self.entries):
            for term, strength in entry.terms.items():
                self._postings.setdefault(term, []).append((index, strength))
            for example in entry.examples:
                for term in example.terms:
                    self._example_postings.setdefault(term, []).append(len(self._examples))
                self._examples.append((index, example.weight))
        known = self._vocabulary(knowledge)
        self._known_words = known
        self._known_stems = {stem(w) for w in known}
        # Never "correct" a word into a stopword by a real edit: that would silently delete an
        # unknown word ("life" is not "like"). Swapped letters are the exception ("dose",
        # "teh"): they are typos, and the stopword is what was meant.
        self._corrections: dict[str, list[str]] = {}
        for word in sorted(known - self.language.stopwords):
            self._corrections.setdefault(word[0], []).append(word)
        self._stopword_anagrams = {
            "".join(sorted(w)): w for w in sorted(self.language.stopwords) if len(w) >= 3
        }
        self._correct = lru_cache(maxsize=4096)(self._correct_uncached)
        # Synonym groups that no fact or topic uses mark subjects the article does not cover.
        self._uncovered = self.language.canonical_terms() - self.idf.keys()

    def uncovered(self, analysis: Analysis) -> bool:
        """Whether a question names a subject the article is known not to cover."""
        return not self._uncovered.isdisjoint(analysis.terms)

    def __getstate__(self) -> dict[str, object]:
        """Everything but the per-process correction cache, so a built index can be pickled."""
        state = self.__dict__.copy()
        del state["_correct"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        """Restore a pickled index with a fresh correction cache."""
        self.__dict__.update(state)
        self._correct = lru_cache(maxsize=4096)(self._correct_uncached)

    def analyse(self, question: str) -> Analysis:
        """Terms of the question and every entry ranked by score, best first."""
        words = [self._correct(w) for w in words_of(question)]
        terms = tuple(dict.fromkeys(self.language.terms(words)))
        if not terms:
            return Analysis(text=question, terms=terms)
        weights = {t: self.idf.get(t, self.unknown_weight) for t in terms}
        total = sum(weights.values())
        explained: dict[int, float] = {}
        for term, weight in weights.items():
            for index, strength in self._postings.get(term, ()):
                explained[index] = explained.get(index, 0.0) + weight * strength
        share = self.weights.coverage_share
        resemblance = self._resemblance(weights, total)
        matches = [
            Match(
                entry=self.entries[index],
                score=share * value / total + (1 - share) * resemblance.get(index, 0.0),
                coverage=value / total,
            )
            for index, value in explained.items()
        ]
        matches.sort(key=lambda m: m.score, reverse=True)
        return Analysis(text=question, terms=terms, matches=tuple(matches), words=tuple(words))

    def _resemblance(self, weights: dict[str, float], total: float) -> dict[int, float]:
        """Per entry, the weighted Jaccard similarity with its closest example question."""
        shared: dict[int, float] = {}
        for term, weight in weights.items():
            for example in self._example_postings.get(term, ()):
                shared[example] = shared.get(example, 0.0) + weight
        best: dict[int, float] = {}
        for example, common in shared.items():
            index, example_weight = self._examples[example]
            similarity = common / (total + example_weight - common)
            if similarity > best.get(index, 0.0):
                best[index] = similarity
        return best

    def _correct_uncached(self, word: str) -> str:
        if word in self._known_words or stem(word) in self._known_stems or word.isdigit():
            return word
        anagram = self._stopword_anagrams.get("".join(sorted(word)))
        if anagram is not None:
            return anagram
        if len(word) < _MIN_CORRECTABLE_LENGTH:
            return word
        found = process.extract(
            word,
            self._corrections.get(word[0], []),
            scorer=DamerauLevenshtein.distance,
            score_cutoff=2 if len(word) >= _LONG_WORD else 1,
            limit=None,
        )
        if not found:
            return word
        # Among the closest words, one with the very same letters wins: two swapped letters
        # ("aftar" for "aftra") are a likelier slip than a wrong letter ("after").
        closest = min(distance for _, distance, _ in found)
        candidates = [candidate for candidate, distance, _ in found if distance == closest]
        letters = sorted(word)
        return next((c for c in candidates if sorted(c) == letters), candidates[0])

    def _drafts(
        self, knowledge: KnowledgeBase
    ) -> Iterable[tuple[EntryKind, str, dict[str, float], list[frozenset[str]]]]:
        """Each entry's kind, id, weighted terms and example term sets, before idf is known."""
        term_sets = self._term_sets
        for fact in knowledge.facts:
            examples = term_sets(fact.questions)
            yield (
                "fact",
                fact.id,
                self._weighted(
                    (self.weights.keyword, [*term_sets(fact.keywords), *examples]),
                    (self.weights.answer, term_sets([fact.answer, *fact.attribution])),
                    (self.weights.evidence, term_sets(c.quote for c in fact.citations)),
                ),
                examples,
            )
        for topic in knowledge.topics:
            examples = term_sets(topic.questions)
            yield (
                "topic",
                topic.id,
                self._weighted((self.weights.keyword, [*examples, *term_sets([topic.title])])),
                examples,
            )

    @staticmethod
    def _weighted(*sources: tuple[float, list[frozenset[str]]]) -> dict[str, float]:
        """Each term at the strongest strength of any source it appears in."""
        terms: dict[str, float] = {}
        for strength, term_sets in sources:
            for term_set in term_sets:
                for term in term_set:
                    terms[term] = max(terms.get(term, 0.0), strength)
        return terms

    def _term_sets(self, texts: Iterable[str]) -> list[frozenset[str]]:
        return [self._term_set(text) for text in texts]

    def _term_set(self, text: str) -> frozenset[str]:
        return frozenset(self.language.terms(words_of(text)))

    @staticmethod
    def _vocabulary(knowledge: KnowledgeBase) -> set[str]:
        texts: list[str] = [knowledge.article.text]
        for fact in knowledge.facts:
            texts += [fact.answer, *fact.questions, *fact.keywords, *fact.attribution]
        for topic in knowledge.topics:
            texts += [topic.title, *topic.questions]
        texts += knowledge.language.vocabulary
        return {w for text in texts for w in words_of(text) if not w.isdigit()}
