"""Split passage text into sentences with their exact character spans."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence runs to . ! or ? (plus closing quotes) followed by space, or to the end of a line.
# List items and "Label:" lines stay whole, which is what a reader would quote.
_SENTENCE = re.compile(r"[^\s].*?(?:[.!?]+[\"”’)]*(?=\s)|$)", re.MULTILINE)


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offset within the passage
    index: int


def split_sentences(text: str) -> list[Sentence]:
    return [Sentence(m.group(0), m.start(), i) for i, m in enumerate(_SENTENCE.finditer(text))]
