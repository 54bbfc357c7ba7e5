"""`assistant report`: abstentions and thumbs-down, grouped by similar questions, exported as draft
eval cases. The log is a real SQLite question log in tmp_path, filled through its public API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from assistant.answer import Answer
from assistant.cli import main
from assistant.questionlog.database import (
    build_engine,
    database_url,
    insert_ignoring_duplicates,
)
from assistant.questionlog.drafts import export_cases, unique_id
from assistant.questionlog.records import answer_record, record_to_row
from assistant.questionlog.report import group_questions
from assistant.questionlog.schema import upgrade_schema
from assistant.questionlog.store import QuestionLog, QuestionRecord, open_question_log
from assistant.settings import Settings
from testkit.isolated import make_settings
from testkit.pg import postgres_server  # noqa: F401  (fixture)

SHOES = ["What running shoes should I buy?", "which running shoes should I buy", "Running shoes to buy?"]
DEAD_BUG = "How many reps of the dead bug should I do?"
GOOD = ["Why does my back hurt after runs?", "What muscles make up the core?"]


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The report reads settings from the environment, as the CLI does: point it at tmp_path."""
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("ASSISTANT_DATABASE_URL", raising=False)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    return make_settings(tmp_path / "data", database_url=None)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def any_settings(request: pytest.FixtureRequest, settings: Settings, monkeypatch) -> Settings:
    """`settings` on SQLite, and on a real PostgreSQL named by DATABASE_URL as a deployment would."""
    if request.param == "sqlite":
        return settings
    server = request.getfixturevalue("postgres_server")
    if not server.is_running():
        server.start()
    url = server.create_database()
    monkeypatch.setenv("DATABASE_URL", url)
    return settings.model_copy(update={"database_url": url})


@pytest.fixture
def question_log(settings: Settings) -> Iterator[QuestionLog]:
    log = open_question_log(settings)
    yield log
    log.close()


def ask(log: QuestionLog, question: str, *, abstained: bool = False, liked: bool | None = None, comment=None):
    record_id = log.record_answer(Answer(question=question, text="…", abstained=abstained))
    if liked is not None:
        log.record_feedback(record_id, liked, comment)
    return record_id


@pytest.fixture
def seeded(question_log: QuestionLog) -> list[QuestionRecord]:
    """Abstentions (three wordings of one question), a disliked answer, and answers readers liked
    or did not rate."""
    for question in SHOES:
        ask(question_log, question, abstained=True)
    ask(question_log, DEAD_BUG, liked=False, comment="It never said how many reps [sic]")
    ask(question_log, GOOD[0], liked=True)
    ask(question_log, GOOD[1])
    ask(question_log, "Best running shoes?", liked=True)  # answered and liked: not a gap
    assert question_log.flush(10)
    return question_log.questions()


def test_similar_questions_form_one_group_and_good_answers_are_left_out(seeded) -> None:
    groups = group_questions(seeded)
    assert [g.count for g in groups] == [3, 1]
    shoes, dead_bug = groups
    assert shoes.representative == SHOES[0] and shoes.variants == SHOES
    assert (shoes.abstained, shoes.thumbs_down) == (3, 0)
    assert shoes.why() == "abstained ×3"
    assert dead_bug.representative == DEAD_BUG
    assert dead_bug.why() == "thumbs-down ×1"
    assert dead_bug.comments == ["It never said how many reps [sic]"]
    flagged = {r.question for g in groups for r in g.records}
    assert not flagged & {*GOOD, "Best running shoes?"}


def test_questions_about_different_things_stay_apart(settings: Settings, question_log: QuestionLog) -> None:
    for question in ["How do I do a dead bug?", "How do I do a bird dog?", "dead bug how to do it"]:
        ask(question_log, question, abstained=True)
    assert question_log.flush(10)
    groups = group_questions(question_log.questions())
    assert sorted(sorted(r.question for r in g.records) for g in groups) == [
        ["How do I do a bird dog?"],
        ["How do I do a dead bug?", "dead bug how to do it"],
    ]


def test_questions_without_content_words_group_only_when_identical(question_log: QuestionLog) -> None:
    for question in ["hi", "Hi ", "thanks"]:
        ask(question_log, question, abstained=True)
    assert question_log.flush(10)
    assert sorted(g.count for g in group_questions(question_log.questions())) == [1, 2]


def test_export_writes_draft_eval_cases_in_the_case_schema(seeded, tmp_path: Path) -> None:
    path = tmp_path / "drafts.yaml"
    assert export_cases(group_questions(seeded), path) == 2
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(cases, list) and len(cases) == 2
    for case in cases:
        assert set(case) == {"id", "question", "history", "expect", "tags"}
        assert case["id"].startswith("draft-") and " " not in case["id"]
        assert case["history"] == [] and case["tags"] == ["from-readers"]
        assert set(case["expect"]) == {"abstain", "facts", "sources", "safety_notice"}
        assert case["expect"]["facts"] == [] and case["expect"]["sources"] == []
        assert case["expect"]["safety_notice"] is False
    shoes, dead_bug = cases
    assert (shoes["id"], shoes["question"], shoes["expect"]["abstain"]) == (
        "draft-running-shoes-buy",
        SHOES[0],
        True,  # only ever abstained, nobody complained
    )
    assert (dead_bug["question"], dead_bug["expect"]["abstain"]) == (DEAD_BUG, False)  # reader wanted more
    assert "It never said how many reps [sic]" in path.read_text(encoding="utf-8")  # evidence as comments


def test_export_is_accepted_by_the_eval_case_loader(seeded, tmp_path: Path) -> None:
    cases_module = pytest.importorskip("assistant.evaluation.cases")
    path = tmp_path / "drafts.yaml"
    export_cases(group_questions(seeded), path)
    assert [c.id for c in cases_module.load_cases(path)] == ["draft-running-shoes-buy", "draft-reps-dead-bug"]


def test_exported_ids_are_unique_and_awkward_questions_survive(question_log, tmp_path: Path) -> None:
    shared = "running shoes marathon trail road race"
    awkward = [
        f"{shared} alpha beta gamma delta epsilon",
        f"{shared} zeta theta iota kappa lambda",  # same slug, too different to group
        'Quotes " and \\ backslash: # not a comment\nsecond line — 腰痛 🏃',
        "- looks like: yaml [list]",
    ]
    for question in awkward:
        ask(question_log, question, abstained=True)
    assert question_log.flush(10)
    path = tmp_path / "drafts.yaml"
    export_cases(group_questions(question_log.questions()), path)
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert len({c["id"] for c in cases}) == len(cases) == 4
    assert sorted(c["question"] for c in cases) == sorted(q.strip() for q in awkward)
    used: set[str] = set()
    assert [unique_id("Dead bug?", used), unique_id("dead bug", used)] == [
        "draft-dead-bug",
        "draft-dead-bug-2",
    ]


def test_report_command_prints_the_groups_and_exports(seeded, tmp_path: Path, capsys) -> None:
    path = tmp_path / "drafts.yaml"
    assert main(["report", "--since", "7", "--export", str(path)]) == 0
    shown = capsys.readouterr().out
    assert SHOES[0] in shown and "abstained ×3" in shown and "thumbs-down ×1" in shown
    assert GOOD[0] not in shown
    assert "Wrote 2 draft eval case(s)" in shown
    assert len(yaml.safe_load(path.read_text(encoding="utf-8"))) == 2


def test_report_since_leaves_out_older_questions(settings: Settings, question_log, capsys) -> None:
    old = answer_record(
        "a" * 32, Answer(question="An old unanswered question", text="…", abstained=True), None, None
    )
    old["created_at"] = (datetime.now(timezone.utc) - timedelta(days=30)).isoformat()
    engine = build_engine(database_url(None, settings.data_dir))
    upgrade_schema(engine)
    with engine.begin() as conn:
        kind, row = record_to_row(old)
        insert_ignoring_duplicates(conn, kind, [row])
    ask(question_log, "A new unanswered question", abstained=True)
    assert question_log.flush(10)
    assert main(["report", "--since", "7"]) == 0
    shown = capsys.readouterr().out
    assert "A new unanswered question" in shown and "An old unanswered question" not in shown
    assert main(["report"]) == 0
    assert "An old unanswered question" in capsys.readouterr().out


def test_report_on_an_empty_log_says_there_is_nothing_to_review(settings: Settings, capsys) -> None:
    assert main(["report"]) == 0
    assert "Nothing to review so far" in capsys.readouterr().out


def test_report_options_a_user_gets_wrong_have_clear_messages(settings: Settings, tmp_path, capsys) -> None:
    assert main(["report", "--since", "0"]) == 2  # an option to fix: exit 2
    assert "--since takes a positive number of days" in capsys.readouterr().err
    assert main(["report", "--export", str(tmp_path / "missing" / "drafts.yaml")]) == 2
    assert "folder" in capsys.readouterr().err and not (tmp_path / "missing").exists()


def test_report_table_shows_readers_brackets_as_text(seeded) -> None:
    from assistant.questionlog.report import print_report

    console = Console(record=True, width=140)
    print_report(group_questions(seeded), None, console)
    assert "[sic]" in console.export_text()


PII_QUESTION = (
    "I'm Jane, email jane.doe@example.com, phone 555-123-4567, I live at 42 Elm Street: "
    "which running shoes should I buy for a 5K?"
)


def test_export_redacts_contact_details_from_questions_ids_and_comments(
    any_settings: Settings, tmp_path: Path
) -> None:
    """Questions logged before redaction existed are stored verbatim: the export redacts again."""
    legacy = answer_record("a" * 32, Answer(question="x", text="…", abstained=True), None, None)
    legacy["question"] = "Call me at 555-987-6543 or mail sam@example.org: hip pain after 10K?"
    engine = build_engine(database_url(any_settings.database_url, any_settings.data_dir))
    upgrade_schema(engine)
    with engine.begin() as conn:
        kind, row = record_to_row(legacy)
        insert_ignoring_duplicates(conn, kind, [row])
    engine.dispose()
    log = open_question_log(any_settings)
    try:
        ask(log, PII_QUESTION, liked=False, comment="write to jane.doe@example.com, 42 Elm Street")
        assert log.flush(10)
    finally:
        log.close()
    path = tmp_path / "drafts.yaml"
    assert main(["report", "--export", str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    for detail in ["jane.doe", "555-", "123-4567", "Elm", "sam@example.org", "987-6543"]:
        assert detail not in text
    cases = {c["question"]: c for c in yaml.safe_load(text)}
    assert set(cases) == {
        "I'm Jane, email [email], phone [phone], I live at [address]: which running shoes should I buy for a 5K?",
        "Call me at [phone] or mail [email]: hip pain after 10K?",
    }
    assert {c["id"] for c in cases.values()} == {unique_id(question, set()) for question in cases}
    assert "reader said: write to [email], [address]" in text
