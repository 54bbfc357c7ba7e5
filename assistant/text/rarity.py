"""How much a word the corpus never uses should count against answering.

"What running shoes should I buy?" is off-topic because of "shoes"; "my back always aches" is not
off-topic because of "always". Both words are unknown to the corpus, so corpus statistics cannot
tell them apart. tiktoken's BPE ranks can: frequent English words get low ranks (single tokens
merged early), rare and specialist words get high ranks or several tokens. This gives a general-
English rarity prior with no download and no extra model.
"""

from __future__ import annotations

import math
from functools import lru_cache

from assistant.text.tokens import encoding_for

COMMON_RANK = 500  # ranks below this are function words and the most common vocabulary
RARE_RANK = 60_000
FLOOR = 0.25  # even a common unknown word says something about the question


@lru_cache(maxsize=8192)
def english_rarity(word: str) -> float:
    """0.25..1: 1 for a rare or specialist word, lower for everyday words."""
    tokens = encoding_for("gpt-4").encode(" " + word)
    if len(tokens) > 1:
        return 1.0
    scaled = math.log(max(tokens[0], COMMON_RANK) / COMMON_RANK) / math.log(RARE_RANK / COMMON_RANK)
    return min(1.0, max(FLOOR, scaled))
