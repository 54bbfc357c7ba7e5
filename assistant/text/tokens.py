"""Token counts with tiktoken: the passage budget of a prompt, and usage and cost per answer."""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import llama_index.core
import tiktoken

from assistant.answer import Passage, Usage

# tiktoken downloads its encodings on first use; llama-index ships cl100k_base and o200k_base.
BUNDLED_ENCODINGS = Path(llama_index.core.__file__).parent / "_static" / "tiktoken_cache"


def use_tiktoken_cache(folder: Path | None) -> None:
    """Point tiktoken (which reads only its environment variable) at `folder`, or at the encodings
    llama-index ships. Called at start with the settings' value, and before the first encoding."""
    os.environ["TIKTOKEN_CACHE_DIR"] = str(folder or BUNDLED_ENCODINGS)


@lru_cache(maxsize=16)
def encoding_for(model: str) -> tiktoken.Encoding:
    if "TIKTOKEN_CACHE_DIR" not in os.environ:  # used before any start-up (benchmarks, tests)
        use_tiktoken_cache(None)
    try:
        return tiktoken.encoding_for_model(model)
    except KeyError:  # local and unknown models: the current OpenAI encoding is a fair estimate
        return tiktoken.get_encoding("o200k_base")


def count_tokens(text: str, model: str) -> int:
    return len(encoding_for(model).encode(text, disallowed_special=()))


def fit_passages(passages: Sequence[Passage], budget: int, model: str) -> list[Passage]:
    """The best-ranked passages whose text fits in `budget` tokens (always at least one)."""
    kept: list[Passage] = []
    used = 0
    for passage in passages:
        cost = count_tokens(passage.text, model)
        if kept and used + cost > budget:
            break
        kept.append(passage)
        used += cost
    return kept


def usage_for(
    prompt: str, completion: str, model: str, price_prompt: float, price_completion: float
) -> Usage:
    prompt_tokens = count_tokens(prompt, model)
    completion_tokens = count_tokens(completion, model)
    cost = (prompt_tokens * price_prompt + completion_tokens * price_completion) / 1_000_000
    return Usage(prompt_tokens, completion_tokens, round(cost, 8))
