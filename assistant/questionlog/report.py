"""`assistant report`: what readers asked that the assistant abstained on or got a thumbs-down for,
grouped by similar questions, so the owner sees which gaps in the corpus matter most.

Questions are grouped greedily by the overlap (Jaccard) of their content words, the same stemmed
words retrieval uses, so "back pain after running?" and "Why does running hurt my back" meet.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from rich.console import Console
from rich.table import Table
from rich.text import Text

from assistant.errors import AssistantError
from assistant.questionlog.store import QuestionRecord
from assistant.text.terms import content_terms

# Half the content words shared: catches rewordings, keeps "dead bug" and "bird dog" apart.
SIMILARITY = 0.5
MAX_VARIANTS_SHOWN = 5


class ReportError(AssistantError):
    """A report option or export target that cannot work."""

    input_error = True


@dataclass
class QuestionGroup:
    """Flagged questions that ask the same thing; the seed's words decide who joins."""

    terms: frozenset[str]
    records: list[QuestionRecord] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.records)

    @property
    def variants(self) -> list[str]:
        """Distinct wordings, most asked first (ties: first asked first)."""
        seen: dict[str, str] = {}
        counts: Counter[str] = Counter()
        for record in self.records:
            key = normalized(record.question)
            seen.setdefault(key, record.question.strip())
            counts[key] += 1
        return [seen[key] for key, _ in counts.most_common()]

    @property
    def representative(self) -> str:
        return self.variants[0]

    @property
    def abstained(self) -> int:
        return sum(1 for r in self.records if r.abstained)

    @property
    def thumbs_down(self) -> int:
        return sum(1 for r in self.records if r.liked is False)

    @property
    def comments(self) -> list[str]:
        return [
            r.comment.strip() for r in self.records if r.liked is False and r.comment and r.comment.strip()
        ]

    @property
    def last_asked(self) -> datetime:
        return max(r.created_at for r in self.records)

    def why(self) -> str:
        """Why the group is here, e.g. `abstained ×3, thumbs-down ×1`."""
        reasons = [f"abstained ×{self.abstained}"] if self.abstained else []
        if self.thumbs_down:
            reasons.append(f"thumbs-down ×{self.thumbs_down}")
        return ", ".join(reasons)


def is_flagged(record: QuestionRecord) -> bool:
    """Worth the owner's time: the assistant abstained, or the reader said the answer was bad."""
    return record.abstained or record.liked is False


def normalized(question: str) -> str:
    return " ".join(question.lower().split())


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def group_questions(records: Iterable[QuestionRecord], threshold: float = SIMILARITY) -> list[QuestionGroup]:
    """Flagged records grouped greedily (oldest first, each joins the most similar group at or
    above `threshold`), biggest group first. Good answers are left out."""
    groups: list[QuestionGroup] = []
    exact: dict[str, QuestionGroup] = {}  # questions with no content words match only verbatim
    for record in sorted((r for r in records if is_flagged(r)), key=lambda r: r.created_at):
        terms = frozenset(content_terms(record.standalone_question or record.question))
        if not terms:
            key = normalized(record.question)
            if key not in exact:
                exact[key] = QuestionGroup(terms)
                groups.append(exact[key])
            exact[key].records.append(record)
            continue
        scored = [(jaccard(terms, g.terms), i) for i, g in enumerate(groups) if g.terms]
        best = max(scored, default=(0.0, -1))
        if best[0] >= threshold:
            groups[best[1]].records.append(record)
        else:
            groups.append(QuestionGroup(terms, [record]))
    return sorted(groups, key=lambda g: (-g.count, -g.last_asked.timestamp()))


def report_table(groups: Sequence[QuestionGroup], title: str) -> Table:
    """One row per group. Readers' words go in as `Text`, so brackets are never read as markup."""
    table = Table(title=title, show_lines=True, expand=True)
    table.add_column("asked", justify="right", no_wrap=True)
    table.add_column("question (and how else it was asked)", ratio=3)
    table.add_column("why", ratio=2)
    table.add_column("last asked", no_wrap=True)
    for group in groups:
        question = Text(group.representative, style="bold")
        others = group.variants[1:]
        for variant in others[:MAX_VARIANTS_SHOWN]:
            question.append(f"\n  · {variant}", style="dim")
        if len(others) > MAX_VARIANTS_SHOWN:
            question.append(f"\n  … and {len(others) - MAX_VARIANTS_SHOWN} more", style="dim")
        why = Text(group.why())
        for comment in group.comments[:3]:
            why.append(f"\n“{comment}”", style="italic")
        table.add_row(str(group.count), question, why, group.last_asked.strftime("%Y-%m-%d"))
    return table


def print_report(groups: Sequence[QuestionGroup], since_days: float | None, console: Console) -> None:
    window = f"in the last {since_days:g} days" if since_days else "so far"
    if not groups:
        console.print(f"Nothing to review {window}: no abstentions and no thumbs-down.")
        return
    total = sum(g.count for g in groups)
    title = f"{total} question(s) {window} the assistant abstained on or readers disliked"
    console.print(report_table(groups, title))


def since_moment(days: float | None, now: datetime | None = None) -> datetime | None:
    if days is None:
        return None
    if not days > 0:
        raise ReportError(f"--since takes a positive number of days (like --since 7), not {days:g}")
    return (now or datetime.now(timezone.utc)) - timedelta(days=days)
