"""A question as the retrieval and answer steps see it: its meaningful words, their weights, and
the corpus words a glossary says mean the same thing."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.answering.tuning import TUNING
from assistant.text.rarity import english_rarity
from assistant.text.spelling import Speller
from assistant.text.terms import TermStats, content_terms, content_words

log = logging.getLogger(__name__)

Glossary = dict[str, tuple[str, ...]]  # reader phrase (lower case) -> corpus words


@dataclass(frozen=True)
class AnalyzedQuery:
    text: str
    search_text: str  # the question plus glossary words, for retrieval
    aliases: dict[str, frozenset[str]]  # each question term -> stems that count as that term
    weights: dict[str, float]
    own: frozenset[str] = frozenset()  # terms of the new question itself, not carried from history
    asked: str = ""  # the new question itself, without the context carried from history

    @property
    def total_weight(self) -> float:
        return sum(self.weights.values())

    def matched(self, terms: set[str] | frozenset[str]) -> set[str]:
        """The question terms that `terms` (a passage's or sentence's) cover, directly or by alias."""
        return {term for term, aliases in self.aliases.items() if aliases & terms}

    def weight_of(self, terms: set[str]) -> float:
        return sum(self.weights[t] for t in terms)


def analyze_query(
    text: str, glossary: Glossary, stats: TermStats, carried: str = "", speller: Speller | None = None
) -> AnalyzedQuery:
    """`carried` is context from earlier turns (a follow-up's subject); its words weigh less."""
    if speller is not None:
        text, carried = speller.correct(text), speller.correct(carried)
    own_terms = set(content_terms(text))
    asked = text
    text = f"{text} {carried}".strip()
    lowered = text.lower()
    aliases: dict[str, set[str]] = {term: {term} for term in content_terms(text)}
    extra_words: list[str] = []
    for phrase, words in glossary.items():
        if not re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", lowered):
            continue
        extra_words.extend(words)
        stems = {s for w in words for s in content_terms(w)}
        for term in content_terms(phrase) or []:
            aliases.setdefault(term, {term}).update(stems)
    spelling = {stem: word for word, stem in content_words(text)}
    weights = {}
    for term, stems in aliases.items():
        # A word the corpus never uses but whose alias it does is as common as that alias. One it
        # never uses at all says little either way (slang, filler, a topic of its own): it weighs
        # like a word of middling rarity, scaled by how rare it is in English.
        if any(stats.df.get(s) for s in stems):
            weight = min(stats.idf(s) for s in stems if stats.df.get(s))
        else:
            weight = TUNING.unknown_word_weight * english_rarity(spelling.get(term, term))
        weights[term] = weight * (1.0 if term in own_terms else TUNING.carried_weight)
    search_text = f"{text} {' '.join(extra_words)}".strip()
    return AnalyzedQuery(
        text, search_text, {t: frozenset(s) for t, s in aliases.items()}, weights, frozenset(own_terms), asked
    )


def load_glossary(path: Path) -> Glossary:
    """Read the owner's glossary; a broken one is reported and ignored rather than stopping answers."""
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        log.warning("Ignoring glossary %s: %s", path.name, error)
        return {}
    if not isinstance(data, dict):
        log.warning("Ignoring glossary %s: expected 'phrase: [words]' lines", path.name)
        return {}
    glossary: Glossary = {}
    for phrase, words in data.items():
        words = [words] if isinstance(words, str) else words
        if isinstance(phrase, str) and isinstance(words, list):
            glossary[phrase.lower().strip()] = tuple(str(w) for w in words)
    return glossary
