"""Question groups from `assistant report` as draft eval cases (the schema of evals/cases.yaml),
for the owner to check and fill in. Comments carry the evidence; the YAML itself stays strict.
Readers' words are redacted again on the way out (`assistant.questionlog.redact`), ids included, so questions
logged before redaction existed never carry an email, phone number or address into a file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import yaml

from assistant.errors import AssistantError
from assistant.questionlog.redact import redact
from assistant.questionlog.report import QuestionGroup
from assistant.text.terms import STOPWORDS

SLUG_WORDS = 6
SLUG_CHARS = 48
COMMENT_CHARS = 160


class ExportError(AssistantError):
    """The draft cases could not be written."""

    input_error = True


def export_cases(groups: Sequence[QuestionGroup], path: Path) -> int:
    """Write one draft case per group to `path` (a YAML list); returns how many were written."""
    used: set[str] = set()
    header = [
        "# Draft eval cases from readers' questions (`assistant report --export`).",
        "# Check each one: fill in facts and sources from the corpus, or keep abstain: true if the",
        "# corpus does not cover it. Then move it into evals/cases.yaml.",
    ]
    blocks = [draft_case(group, unique_id(redact(group.representative), used)) for group in groups]
    text = "\n".join(header) + "\n" + ("".join(blocks) if blocks else "[]\n")
    if not path.parent.is_dir():
        raise ExportError(f"Cannot write the draft cases to {path}: folder {path.parent} does not exist")
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ExportError(f"Cannot write the draft cases to {path}: {error.strerror or error}") from None
    return len(blocks)


def draft_case(group: QuestionGroup, case_id: str) -> str:
    """One case as YAML text, with the group's evidence as comments above it."""
    abstain = group.thumbs_down == 0
    guess = (
        "best guess: every time it abstained and nobody complained; confirm the corpus lacks it"
        if abstain
        else "best guess: readers wanted an answer; add facts and sources if the corpus covers it"
    )
    lines = [f"\n# asked {group.count}×: {group.why()}"]
    lines += [f"#   variant: {comment_text(redact(v))}" for v in group.variants[1:6]]
    lines += [f"#   reader said: {comment_text(redact(c))}" for c in group.comments[:3]]
    lines += [
        f"- id: {scalar(case_id)}",
        f"  question: {scalar(redact(group.representative))}",
        "  history: []",
        "  expect:",
        f"    abstain: {'true' if abstain else 'false'}  # {guess}",
        "    facts: []",
        "    sources: []",
        "    safety_notice: false",
        "  tags: [from-readers]",
    ]
    return "\n".join(lines) + "\n"


def scalar(text: str) -> str:
    """A double-quoted YAML scalar that reads back as exactly `text`, on one line."""
    dumped = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=float("inf"))
    return dumped.rstrip("\n").removesuffix("\n...").rstrip("\n")


def comment_text(text: str) -> str:
    """Readers' words squeezed onto one comment line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= COMMENT_CHARS else flat[: COMMENT_CHARS - 1] + "…"


def slug(question: str) -> str:
    """`draft-dead-bug` for "How do I do a dead bug?": the question's content words, in ASCII."""
    ascii_text = unicodedata.normalize("NFKD", question).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    content = [w for w in words if w not in STOPWORDS and len(w) > 1] or words
    return "-".join(content[:SLUG_WORDS])[:SLUG_CHARS].strip("-") or "question"


def unique_id(question: str, used: set[str]) -> str:
    base = f"draft-{slug(question)}"
    case_id, n = base, 2
    while case_id in used:
        case_id, n = f"{base}-{n}", n + 1
    used.add(case_id)
    return case_id
