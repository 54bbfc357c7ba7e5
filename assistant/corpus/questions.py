"""Questions each passage answers (doc2query), written from the corpus text alone and kept beside
it in `questions.yaml`.

`out-of-scope.yaml` holds the opposite: questions runners ask that the corpus does not answer, so a
question about something else can be told by what it is close to, not only by what it misses.

They widen retrieval (a reader's "my lower back kills after long runs" finds the article paragraph
that never says "kills") and tell the abstain rule which questions the corpus answers. They are
search text only: an answer never quotes them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import yaml

log = logging.getLogger(__name__)
QUESTIONS_FILE = "questions.yaml"
# Questions readers ask that the corpus does not answer, by topic: what "about something else" means.
OUTSIDE_FILE = "out-of-scope.yaml"
# Questions that use the corpus's words in another sense ("my dog pulls on the lead", "sets in tennis").
SENSES_FILE = "other-senses.yaml"


@dataclass(frozen=True)
class QuestionUnit:
    """Questions one stretch of a document answers: a section (`starts` empty) or the paragraph of
    that section that begins with `starts`."""

    doc_id: str
    section: str
    starts: str
    questions: tuple[str, ...]


def load_questions(folder: Path) -> tuple[QuestionUnit, ...]:
    """The owner's question file; a broken one is reported and ignored, like the glossary."""
    path = folder / QUESTIONS_FILE
    if not path.is_file():
        return ()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        log.warning("Ignoring %s: %s", path.name, error)
        return ()
    if not isinstance(data, list):
        log.warning("Ignoring %s: expected a list of {doc, section, questions}", path.name)
        return ()
    units = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("questions"), list):
            continue
        questions = tuple(str(q).strip() for q in item["questions"] if str(q).strip())
        units.append(
            QuestionUnit(
                str(item.get("doc", "")),
                str(item.get("section", "")),
                str(item.get("starts") or ""),
                questions,
            )
        )
    return tuple(units)


def unit_span(unit: QuestionUnit, text: str, section_spans: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """Where in its document a unit's answer sits: its paragraph, else its whole section; (0, 0)
    when the document no longer has it (the file is stale for that unit)."""
    if unit.starts:
        start = text.find(unit.starts)
        if start < 0:
            return 0, 0
        end = text.find("\n\n", start)
        return start, len(text) if end < 0 else end
    return section_spans.get(unit.section, (0, 0))


def load_outside_questions(folder: Path, name: str = OUTSIDE_FILE) -> tuple[str, ...]:
    """The owner's out-of-scope questions (a mapping of topic to questions); a broken file is
    reported and ignored: without it, off-topic questions are judged by the abstain signal alone."""
    path = folder / name
    if not path.is_file():
        return ()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        log.warning("Ignoring %s: %s", path.name, error)
        return ()
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        log.warning("Ignoring %s: expected a mapping of topic to a list of questions", path.name)
        return ()
    return tuple(dict.fromkeys(str(q).strip() for qs in data.values() for q in qs if str(q).strip()))
