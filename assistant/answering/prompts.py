"""Prompt templates and fixed reader-facing lines, loaded from the `prompts/` folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from llama_index.core.prompts import PromptTemplate

from assistant.errors import ConfigError


@dataclass(frozen=True)
class Prompts:
    answer_system: str
    answer_user: PromptTemplate  # {passages}, {question}
    condense: PromptTemplate  # {history}, {question}
    abstain: str
    safety_notice: str
    partly_covered: str  # {asks}: the parts of a question the corpus does not answer


def load_prompts(folder: Path) -> Prompts:
    return Prompts(
        answer_system=read(folder, "answer_system.md"),
        answer_user=PromptTemplate(read(folder, "answer_user.md")),
        condense=PromptTemplate(read(folder, "condense.md")),
        abstain=read(folder, "abstain.md"),
        safety_notice=read(folder, "safety_notice.md"),
        partly_covered=read(folder, "partly_covered.md"),
    )


def read(folder: Path, name: str) -> str:
    path = folder / name
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"Cannot read prompt file {path}: {error}") from None
    if not text:
        raise ConfigError(f"Prompt file {path} is empty")
    return text
