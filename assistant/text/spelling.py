"""Readers type fast: "dead bugg", "sholder taps", "how ofen", "deadbugs". Words the corpus does not
know are corrected to the closest word it does, when one is close enough to be the same word
misspelt, or split into the two words it knows that were typed as one."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from assistant.text.rarity import english_rarity
from assistant.text.terms import STOPWORDS

WORD = re.compile(r"[A-Za-z]{4,}")  # short words are too easy to "correct" into another word
CUTOFF = 0.85  # "bugg"→"bug" (0.86) and "ofen"→"often" pass; "shoes"→"shows" (0.8) does not


class Speller:
    def __init__(self, vocabulary: Iterable[str], phrases: Iterable[str] = ()) -> None:
        """`phrases`: the corpus's two-word names ("dead bug", "shoulder taps"), which readers type
        as one word; only those are split ("deadlift" is no dead lift)."""
        self.vocabulary = {w for w in vocabulary if len(w) >= 3}
        self.phrases = {" ".join(p.lower().split()) for p in phrases if len(p.split()) == 2}
        self.by_initial: dict[str, list[str]] = {}
        for word in sorted(self.vocabulary):
            self.by_initial.setdefault(word[0], []).append(word)

    def correct(self, text: str) -> str:
        return WORD.sub(lambda m: self.correct_word(m.group(0)), text)

    def correct_word(self, word: str) -> str:
        lowered = word.lower()
        if lowered in STOPWORDS:
            return word
        # An everyday English word is what the reader meant ("give" is not a typo of "gives"); a
        # rare one may be a two-word name typed as one, even one the corpus's questions spell so.
        if english_rarity(lowered) < 1.0:
            return word
        if joined := self.split_joined(lowered):
            return joined
        if lowered in self.vocabulary:
            return word
        # Same first letter: typos rarely change it, and it keeps the search fast.
        match = difflib.get_close_matches(lowered, self.by_initial.get(lowered[0], []), n=1, cutoff=CUTOFF)
        return match[0] if match else word

    def split_joined(self, word: str) -> str | None:
        """One of the corpus's two-word names typed as one word ("deadbugs", "shouldertap"), split
        where its words meet, in the singular or the plural; None for any other word."""
        for cut in range(3, len(word) - 2):
            first, second = word[:cut], word[cut:]
            if {f"{first} {form}" for form in (second, second.rstrip("s"), f"{second}s")} & self.phrases:
                return f"{first} {second}"
        return None
