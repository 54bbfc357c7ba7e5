"""Words that carry meaning in a question or passage: lower-cased, stemmed, stop words dropped.

One analyser for retrieval scoring, sentence picking, evidence and follow-ups, so they agree on
what counts as "the same word".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

TOKEN = re.compile(r"(?u)\b\w\w+\b")
# Question filler the BM25 list lacks: words that say how something is asked, not what about.
QUESTION_FILLER = {
    "actually",
    "according",
    "article",
    "always",
    "going",
    "try",
    "trying",
    "wondering",
    "guess",
    "think",
    "fine",
    "want",
    "wanna",
    "gonna",
    "supposed",
    "exactly",
    "stuff",
    "im",
    "ive",
    "dont",
    "whats",
    "u",
    "would",
    "could",
    "tell",
    "please",
    "also",
    "really",
    "anything",
    "something",
    "thing",
    "things",
    "ok",
    "okay",
    "hi",
    "hello",
    "thanks",
    "many",
    "much",
    "lot",
    "way",
    "best",
    "good",
    "right",
    "make",
    "even",
    "idk",
    "tho",
}
STOPWORDS = frozenset(STOPWORDS_EN_PLUS) | QUESTION_FILLER
_stemmer = Stemmer.Stemmer("english")


# Words the stemmer folds into another word: "evening" is no form of "even".
STEM_EXCEPTIONS = {"evening": "evening", "evenings": "evening"}


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    return STEM_EXCEPTIONS.get(word) or _stemmer.stemWord(word)


def content_words(text: str) -> list[tuple[str, str]]:
    """(word, stem) for each content word of `text`, in order, repeats kept."""
    words = TOKEN.findall(text.lower().replace("’", "'"))
    return [(w, _stem(w)) for w in words if w not in STOPWORDS]


def content_terms(text: str) -> list[str]:
    """Stemmed content words of `text`, in order, repeats kept."""
    return [stem for _, stem in content_words(text)]


class TermStats:
    """Document frequencies over the corpus chunks, for idf weights that favour rare words."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.df: Counter[str] = Counter()
        self.words: set[str] = set()  # the corpus's own spellings, for correcting typos
        self.n = 0
        for text in texts:
            self.n += 1
            pairs = content_words(text)
            self.df.update({stem for _, stem in pairs})
            self.words.update(word for word, _ in pairs if word.isalpha())

    def idf(self, term: str) -> float:
        # Words the corpus never uses get the highest weight: a question about them is likely off-topic.
        return math.log(1 + (self.n + 1) / (self.df.get(term, 0) + 0.5))

    @property
    def unseen_idf(self) -> float:
        """The weight of a word the corpus never uses: the highest there is."""
        return self.idf("")

    def to_dict(self) -> dict:
        return {"n": self.n, "df": dict(self.df), "words": sorted(self.words)}

    @classmethod
    def from_dict(cls, data: dict) -> TermStats:
        stats = cls(())
        stats.n = int(data["n"])
        stats.df = Counter({str(k): int(v) for k, v in data["df"].items()})
        stats.words = set(data["words"])
        return stats
