"""`assistant`: ask questions, rebuild the index. A thin front end over `Assistant`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from assistant.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, AssistantError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description="A grounded chat assistant for runners.")
    parser.add_argument("--corpus", type=Path, help="corpus folder (default: the bundled corpus/)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    commands = parser.add_subparsers(dest="command", required=True)

    ask = commands.add_parser("ask", help="answer one question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print exactly one JSON object")
    ask.add_argument("--history", type=Path, help="JSON file: a list of {role, content} earlier turns")

    commands.add_parser("index", help="rebuild the search index now")
    evaluate = commands.add_parser("eval", help="score the assistant on the eval cases (exit 1 below a gate)")
    calibrate = commands.add_parser(
        "calibrate", help="choose the abstain threshold (min_evidence, min_closeness) from the dev sets"
    )
    evaluate.add_argument(
        "--cases",
        type=Path,
        nargs="+",
        help="case files (default: evals/cases.yaml); each gated on NAME-thresholds.yaml beside it",
    )
    calibrate.add_argument(
        "--cases",
        type=Path,
        nargs="+",
        help="case files (default: the dev sets: evals/cases.yaml, readers.yaml, former-blind.yaml)",
    )
    for sub in (evaluate, calibrate):
        sub.add_argument("--mode", choices=["extractive", "llm"], help="force the answer mode")
        sub.add_argument("--embeddings", choices=["auto", "openai", "local", "none"], help="dense vectors")
    evaluate.add_argument(
        "--report",
        type=Path,
        help="folder for report.json, junit.xml, report.md (one subfolder per case file)",
    )
    evaluate.add_argument("--baseline", type=Path, help="earlier report.json: fail on cases it passed")
    evaluate.add_argument("--judge", action="store_true", help="add LLM-judged correctness and faithfulness")
    evaluate.add_argument(
        "--thresholds", type=Path, help="gates file for every case file (default: beside each)"
    )
    evaluate.add_argument("--step-summary", type=Path, help="report.md target; default $GITHUB_STEP_SUMMARY")
    evaluate.add_argument(
        "--aggregate-only",
        action="store_true",
        help="show overall and per-tag figures only, never single cases (for a blind set)",
    )
    report = commands.add_parser("report", help="questions the assistant abstained on or readers disliked")
    report.add_argument("--since", type=float, metavar="DAYS", help="only the last DAYS days")
    report.add_argument(
        "--export", type=Path, metavar="FILE", help="write the groups as draft eval cases (YAML)"
    )
    purge = commands.add_parser("purge", help="delete logged questions older than the retention period")
    purge.add_argument(
        "--older-than", type=float, metavar="DAYS", help="instead of ASSISTANT_LOG_RETENTION_DAYS"
    )
    # More subcommands: add_parser calls above this line, handlers in HANDLERS below.
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )
    try:
        return HANDLERS[args.command](args)
    except AssistantError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE if is_input_error(error) else EXIT_FAILED


def is_input_error(error: AssistantError) -> bool:
    """Errors the caller fixes by changing what they typed exit 2; the rest exit 1."""
    return getattr(error, "input_error", False)


def open_assistant(args: argparse.Namespace, rebuild: bool = False):
    from assistant.answering.pipeline import Assistant
    from assistant.settings import load_settings

    overrides = {"corpus_dir": args.corpus} if args.corpus else {}
    return Assistant.from_settings(load_settings(**overrides), rebuild_index=rebuild)


def run_ask(args: argparse.Namespace) -> int:
    history = read_history(args.history) if args.history else None
    answer = open_assistant(args).answer(args.question, history)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        from assistant.render import print_answer

        print_answer(answer)
    return EXIT_OK


def read_history(path: Path) -> list:
    from assistant.errors import InvalidHistory

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidHistory(f"Cannot read history file {path}: {error}") from None
    if not isinstance(data, list):
        raise InvalidHistory(f"History file {path} must hold a JSON list of {{role, content}} turns.")
    return data


def run_index(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    assistant = open_assistant(args, rebuild=True)
    index = assistant.index
    print(
        f"Indexed {len(assistant.corpus.documents)} documents into {index.node_count} passages "
        f"in {time.perf_counter() - started:.2f} s (embeddings: {'yes' if index.vectors else 'none'})."
    )
    for problem in assistant.corpus.problems:
        print(f"skipped {problem}", file=sys.stderr)
    return EXIT_OK


def run_eval(args: argparse.Namespace) -> int:
    from assistant.evaluation.commands import run_eval as evaluate

    return evaluate(args)


def run_calibrate(args: argparse.Namespace) -> int:
    from assistant.evaluation.commands import run_calibrate as calibrate

    return calibrate(args)


def run_report(args: argparse.Namespace) -> int:
    from assistant.questionlog.commands import run_report as report

    return report(args)


def run_purge(args: argparse.Namespace) -> int:
    from assistant.questionlog.store import purge_expired
    from assistant.settings import load_settings

    settings = load_settings()
    days = args.older_than if args.older_than is not None else settings.log_retention_days
    if args.older_than is None and days == 0:
        print("ASSISTANT_LOG_RETENTION_DAYS is 0 (keep forever): nothing deleted.")
        return EXIT_OK
    if not days > 0:
        print(f"error: --older-than takes a positive number of days, not {days:g}", file=sys.stderr)
        return EXIT_USAGE
    purged = purge_expired(settings, days)
    print(f"Deleted {purged.questions} question(s) and {purged.feedback} feedback older than {days:g} days.")
    return EXIT_OK


HANDLERS = {
    "ask": run_ask,
    "index": run_index,
    "eval": run_eval,
    "calibrate": run_calibrate,
    "report": run_report,
    "purge": run_purge,
}
