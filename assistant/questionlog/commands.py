"""`assistant report`: read the question log, group what went unanswered (`report`), export the
groups as draft eval cases (`drafts`). The command lives apart so those two never import each other.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from rich.console import Console

from assistant.questionlog.drafts import export_cases
from assistant.questionlog.report import group_questions, print_report, since_moment
from assistant.questionlog.store import open_question_log
from assistant.settings import load_settings

log = logging.getLogger(__name__)
FLUSH_TIMEOUT_S = 5.0


def run_report(args: argparse.Namespace, console: Console | None = None) -> int:
    """The `assistant report` command: read the log (after shipping what waits in the outbox),
    print the groups, and export them as draft eval cases if asked."""
    since = since_moment(getattr(args, "since", None))
    settings = load_settings()
    question_log = open_question_log(settings)
    try:
        if not question_log.flush(FLUSH_TIMEOUT_S):
            log.warning("Some logged questions are still waiting in the outbox; they are not in this report")
        records = question_log.questions(since)
    finally:
        question_log.close()
    groups = group_questions(records)
    console = console or Console()
    print_report(groups, getattr(args, "since", None), console)
    export = getattr(args, "export", None)
    if export is not None:
        written = export_cases(groups, Path(export))
        console.print(f"Wrote {written} draft eval case(s) to {export}", highlight=False, markup=False)
    return 0
