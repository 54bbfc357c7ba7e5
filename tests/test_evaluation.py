"""The eval scorer itself: a case that must fail does fail, and the figures CI gates on add up.

Answers are fabricated (no pipeline) so each expectation is tested in isolation; the CLI tests run
`assistant eval` in-process on tiny case files.
"""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from assistant.answer import Answer, Citation, Passage
from assistant.answering.pipeline import Assistant, Evidence
from assistant.answering.query import analyze_query
from assistant.cli import main
from assistant.corpus.documents import Corpus
from assistant.evaluation.calibrate import CalibrationPoint, ScoredCase, calibrate, choose_threshold, sweep
from assistant.evaluation.cases import DEV_SETS, EvalCase, load_cases
from assistant.evaluation.errors import CaseFileError
from assistant.evaluation.metrics import abstention_scores, percentile, summarize
from assistant.evaluation.scoring import CaseResult, score_case
from assistant.evaluation.thresholds import Bound, Check
from assistant.settings import Settings
from assistant.text.terms import TermStats

ARTICLE_QUOTE = "Nike Master Trainer Traci Copeland says a lack of ab work may be to blame."
NOTES_QUOTE = "the whole session takes 15 to 20 minutes"
NOTICE = "Please see a doctor or physiotherapist."


@pytest.fixture(scope="module")
def corpus(assistant: Assistant) -> Corpus:
    return assistant.corpus


def make_case(case_id: str = "c", tags: tuple[str, ...] = (), **expect: object) -> EvalCase:
    expect = {"abstain": False, **expect}
    return EvalCase.model_validate({"id": case_id, "question": "q?", "expect": expect, "tags": list(tags)})


def cite(n: int, doc_id: str, text: str) -> Citation:
    return Citation(n=n, doc_id=doc_id, title="t", section="s", text=text)


def passage(doc_id: str, text: str = "passage text") -> Passage:
    return Passage(f"{doc_id}-{text[:8]}", doc_id, "t", "s", text, None, 0, len(text))


def make_answer(text: str = "", citations: tuple[Citation, ...] = (), **fields: object) -> Answer:
    return Answer(question="q?", text=text, citations=list(citations), **fields)  # type: ignore[arg-type]


def good_answer() -> Answer:
    return make_answer(f"{ARTICLE_QUOTE} [1]", (cite(1, "aching-back", ARTICLE_QUOTE),))


# ---------------------------------------------------------------- one case


def test_answer_meeting_every_expectation_passes(corpus: Corpus) -> None:
    case = make_case(facts=[["ab work", "weak core"]], sources=["aching-back"])
    result = score_case(case, good_answer(), corpus)
    assert result.passed, result.reasons
    assert (result.facts_found, result.facts_total) == (1, 1)


def test_missing_fact_fails_naming_the_fact_group(corpus: Corpus) -> None:
    case = make_case(facts=[["ab work"], ["pelvic floor", "obliques"]])
    result = score_case(case, good_answer(), corpus)
    assert not result.passed
    assert result.reasons == [
        "missing fact: one of [pelvic floor | obliques] (not in the retrieved passages)"
    ]
    assert (result.facts_found, result.facts_total) == (1, 2)


def test_fact_check_ignores_case_curly_quotes_and_markers(corpus: Corpus) -> None:
    answer = make_answer("Don’t RUSH the [1] reps. [1]", (cite(1, "aching-back", ARTICLE_QUOTE),))
    assert score_case(make_case(facts=[["don't rush the reps"]]), answer, corpus).passed


def test_citation_not_quoting_the_corpus_is_invalid_and_fails(corpus: Corpus) -> None:
    answer = make_answer(
        "Ab work matters. [1] [2]",
        (cite(1, "aching-back", ARTICLE_QUOTE), cite(2, "aching-back", "Planks cure all back pain.")),
    )
    result = score_case(make_case(facts=[["ab work"]]), answer, corpus)
    assert not result.passed
    assert result.invalid_citations == ["[2] does not quote 'aching-back' verbatim"]
    assert summarize([result]).invalid_citations == 1


def test_missing_source_fails(corpus: Corpus) -> None:
    result = score_case(make_case(sources=["trainer-notes"]), good_answer(), corpus)
    assert result.reasons == ["missing source: 'trainer-notes' is not cited"]
    assert (result.citations_in_sources, result.citations_counted) == (0, 1)


def test_uncited_answer_fails(corpus: Corpus) -> None:
    result = score_case(make_case(), make_answer("Ab work matters."), corpus)
    assert result.reasons == ["answer cites nothing"]


def test_abstaining_when_it_should_answer_fails(corpus: Corpus) -> None:
    result = score_case(make_case(facts=[["ab work"]]), make_answer("Not covered.", abstained=True), corpus)
    assert result.reasons == ["abstained, but the corpus answers this"]
    assert (result.facts_found, result.facts_total) == (0, 1)


def test_answering_an_abstain_case_fails(corpus: Corpus) -> None:
    result = score_case(make_case(abstain=True), good_answer(), corpus)
    assert result.reasons == ["answered, but should abstain"]


def test_missing_safety_notice_fails(corpus: Corpus) -> None:
    result = score_case(make_case(safety_notice=True), good_answer(), corpus)
    assert result.reasons == ["safety notice missing"]


def test_notice_without_warning_signs_fails(corpus: Corpus) -> None:
    answer = make_answer(good_answer().text, good_answer().citations, safety_notice=NOTICE)
    result = score_case(make_case(safety_notice=False), answer, corpus)
    assert result.reasons == ["safety notice shown, but the question has no warning signs"]


def test_marker_pointing_at_no_citation_fails(corpus: Corpus) -> None:
    answer = make_answer(f"{ARTICLE_QUOTE} [1] [3]", (cite(1, "aching-back", ARTICLE_QUOTE),))
    assert score_case(make_case(), answer, corpus).reasons == ["marker [3] points at no citation"]


# ---------------------------------------------------------------- metrics over a run


def result_for(case: EvalCase, answer: Answer, corpus: Corpus) -> CaseResult:
    return score_case(case, answer, corpus)


def test_abstention_precision_and_recall_treat_abstaining_as_positive() -> None:
    expected = [True, True, True, False, False, False]
    predicted = [True, True, False, True, False, False]  # TP 2, FN 1, FP 1
    precision, recall, f1 = abstention_scores(expected, predicted)
    assert (precision, recall) == (2 / 3, 2 / 3)
    assert f1 == pytest.approx(2 / 3)
    assert abstention_scores([False], [False]) == (None, None, None)  # nothing to measure


def test_summary_on_a_small_fabricated_set(corpus: Corpus) -> None:
    abstained = make_answer("Not covered.", abstained=True)
    notes_first = make_answer(
        "x [1]",
        (cite(1, "trainer-notes", NOTES_QUOTE),),
        passages=[passage("trainer-notes"), passage("aching-back")],
    )
    article_second = make_answer(
        "y [1]",
        (cite(1, "aching-back", ARTICLE_QUOTE),),
        passages=[passage("trainer-notes"), passage("aching-back")],
    )
    results = [
        result_for(make_case("abstain-ok", ("off",), abstain=True), abstained, corpus),
        result_for(make_case("abstain-missed", ("off",), abstain=True), good_answer(), corpus),
        result_for(make_case("wrongly-abstained"), abstained, corpus),
        result_for(make_case("hit-first", sources=["trainer-notes"]), notes_first, corpus),
        result_for(make_case("hit-second", sources=["aching-back"]), article_second, corpus),
        result_for(make_case("no-passages", sources=["aching-back"]), good_answer(), corpus),
    ]
    summary = summarize(results)
    assert (summary.abstention_precision, summary.abstention_recall) == (0.5, 0.5)
    assert summary.retrieval_cases == 3
    assert summary.retrieval_hit_rate == pytest.approx(2 / 3)
    assert summary.retrieval_mrr == pytest.approx((1 + 1 / 2 + 0) / 3)
    assert summary.citation_precision == 1.0
    assert summary.passed == 4 and summary.tags["off"].pass_rate == 0.5


def test_percentile_interpolates_between_ranks() -> None:
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([10.0] * 19 + [100.0], 95) == pytest.approx(14.5)


# ---------------------------------------------------------------- case files


def write_cases(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cases.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


CASE = """
- id: {id}
  question: How long does the core session take?
  expect: {{abstain: false, facts: [{facts}], sources: [trainer-notes]}}
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- id: a\n  question: q\n", "case 'a' (#1): expect: Field required"),
        ("- question: q\n  expect: {abstain: false}\n", "case #1: id: Field required"),
        (
            "- id: a\n  question: q\n  expect: {abstain: 'no'}\n",
            "case 'a' (#1): expect.abstain: Input should be a valid boolean",
        ),
        (
            "- id: a\n  question: q\n  expect: {abstain: false, facts: [core]}\n",
            "case 'a' (#1): expect.facts[0]: Input should be a valid list",
        ),
        (
            "- id: a\n  question: q\n  expect: {abstain: false, sourcse: [x]}\n",
            "case 'a' (#1): expect.sourcse: Extra inputs are not permitted",
        ),
        (
            "- id: a\n  question: q\n  history: [{role: system, content: hi}]\n  expect: {abstain: false}\n",
            "case 'a' (#1): history[0].role: Input should be 'user' or 'assistant'",
        ),
        (
            "- {id: a, question: q, expect: {abstain: false}}\n- {id: a, question: r, expect: {abstain: true}}\n",
            "case 'a' (#2): duplicate id, first used by case #1",
        ),
        (
            "- id: a\n  question: q\n  expect: {abstain: true, facts: [[x]]}\n",
            "case 'a' (#1): expect: Value error, abstain: true cases",
        ),
        ("id: a\n", "expected a non-empty YAML list of cases"),
    ],
)
def test_bad_case_file_error_names_the_case_and_problem(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(CaseFileError) as raised:
        load_cases(write_cases(tmp_path, text))
    assert message in str(raised.value)


def test_bundled_case_file_is_valid() -> None:
    cases = load_cases()
    assert len(cases) >= 90 and len({c.id for c in cases}) == len(cases)


# ---------------------------------------------------------------- the CLI, in-process


@pytest.fixture(scope="module")
def eval_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("eval-data")  # one index build for every CLI test here


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, eval_data_dir: Path) -> None:
    """The embedded default, isolated from the developer's key and from GitHub's step summary."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ASSISTANT_MIN_EVIDENCE", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(eval_data_dir))
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS", "none")
    monkeypatch.setenv("ASSISTANT_LLM", "none")


@pytest.fixture
def tiny_run(tmp_path: Path) -> list[str]:
    """Two cases, one of which can never pass (its fact is not in the corpus); gates that always pass."""
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        CASE.format(id="session", facts="[15 to 20 minutes]")
        + CASE.format(id="zebra", facts="[zebra crossing]")
    )
    gates = tmp_path / "gates.yaml"
    gates.write_text("pass_rate: {min: 0.0}\n")
    return ["eval", "--cases", str(cases), "--thresholds", str(gates), "--report", str(tmp_path / "out")]


@pytest.mark.usefixtures("cli_env")
def test_eval_writes_reports_with_one_junit_testcase_per_case(tmp_path: Path, tiny_run: list[str]) -> None:
    assert main(tiny_run) == 0
    suite = ET.parse(tmp_path / "out" / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    testcases = suite.findall("testcase")
    assert [t.get("name") for t in testcases] == ["session", "zebra"]
    zebra = testcases[1].find("failure")
    assert zebra is not None and "zebra crossing" in (zebra.get("message") or "")
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert {
        "id",
        "question",
        "answer",
        "citations",
        "abstained",
        "safety_notice",
        "passed",
        "reasons",
    } <= set(report["cases"][0])
    assert "### Failing cases" in (tmp_path / "out" / "report.md").read_text()


@pytest.mark.usefixtures("cli_env")
def test_several_case_files_in_one_run_each_meet_their_own_gates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """CI runs every dev set in one process: each file is gated on the thresholds file beside it
    and reported in its own folder, and one file short of its gate fails the run."""
    (tmp_path / "easy.yaml").write_text(CASE.format(id="session", facts="[15 to 20 minutes]"))
    (tmp_path / "hard.yaml").write_text(CASE.format(id="zebra", facts="[zebra crossing]"))
    (tmp_path / "easy-thresholds.yaml").write_text("pass_rate: {min: 1.0}\n")
    (tmp_path / "hard-thresholds.yaml").write_text("pass_rate: {min: 0.0}\n")
    run = ["eval", "--cases", str(tmp_path / "easy.yaml"), str(tmp_path / "hard.yaml")]
    assert main([*run, "--report", str(tmp_path / "out")]) == 0
    assert json.loads((tmp_path / "out" / "hard" / "report.json").read_text())["cases"][0]["id"] == "zebra"
    assert (tmp_path / "out" / "easy" / "junit.xml").is_file()
    (tmp_path / "hard-thresholds.yaml").write_text("pass_rate: {min: 0.5}\n")
    capsys.readouterr()
    assert main(run) == 1
    assert "missed: pass_rate" in capsys.readouterr().out


@pytest.mark.usefixtures("cli_env")
def test_a_baseline_belongs_to_one_case_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = write_cases(tmp_path, CASE.format(id="session", facts="[15 to 20 minutes]"))
    assert main(["eval", "--cases", str(cases), str(cases), "--baseline", str(tmp_path / "b.json")]) == 2
    assert "give one --cases file" in capsys.readouterr().err


@pytest.mark.usefixtures("cli_env")
def test_case_that_passed_in_the_baseline_and_fails_now_exits_1(
    tmp_path: Path, tiny_run: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(
        json.dumps({"cases": [{"id": "session", "passed": False}, {"id": "zebra", "passed": True}]})
    )
    assert main([*tiny_run, "--baseline", str(baseline)]) == 1
    assert "regressions since the baseline: zebra" in capsys.readouterr().out


@pytest.mark.usefixtures("cli_env")
def test_gate_falling_short_exits_1(tmp_path: Path, tiny_run: list[str]) -> None:
    (tmp_path / "gates.yaml").write_text("pass_rate: {min: 0.9}\n")
    assert main(tiny_run) == 1


@pytest.mark.usefixtures("cli_env")
def test_step_summary_gets_the_markdown_report(tmp_path: Path, tiny_run: list[str]) -> None:
    summary = tmp_path / "step-summary.md"
    assert main([*tiny_run, "--step-summary", str(summary)]) == 0
    assert summary.read_text().startswith("## Eval: ")


@pytest.mark.usefixtures("cli_env")
def test_a_blind_set_shows_only_aggregates_never_a_single_case(
    tmp_path: Path, tiny_run: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*tiny_run, "--aggregate-only"]) == 0
    shown = capsys.readouterr().out
    assert "1/2 cases pass" in shown and "zebra" not in shown and "session" not in shown
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["summary.json"]
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["summary"]["passed"] == 1


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--mode", "llm"], "--mode llm needs OPENAI_API_KEY or OPENAI_BASE_URL"),
        (["--judge"], "--judge needs OPENAI_API_KEY or OPENAI_BASE_URL"),
        (["--baseline", "missing.json"], "Cannot read baseline"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_message(
    tiny_run: list[str], extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*tiny_run, *extra]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize(
    ("cases", "message"),
    [
        ("- {id: a, question: q, expect: {abstain: maybe}}\n", "case 'a' (#1): expect.abstain"),
        (
            "- {id: a, question: q, expect: {abstain: false, sources: [no-such-doc]}}\n",
            "unknown document 'no-such-doc'",
        ),
    ],
)
def test_bad_case_file_exits_2_naming_the_case(
    tmp_path: Path, cases: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_cases(tmp_path, cases)
    assert main(["eval", "--cases", str(path)]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.usefixtures("cli_env")
def test_unknown_threshold_metric_exits_2(tiny_run: list[str], tmp_path: Path) -> None:
    (tmp_path / "gates.yaml").write_text("pass_rat: {min: 0.9}\n")
    assert main(tiny_run) == 2


# ---------------------------------------------------------------- calibration


def evidence(score: float, injection: bool = False, notice: str | None = None) -> Evidence:
    return Evidence("q", "q", analyze_query("", {}, TermStats(())), [], score, notice, injection)


def scored(*pairs: tuple[bool, float]) -> list[ScoredCase]:
    return [ScoredCase(f"c{i}", should, evidence(score)) for i, (should, score) in enumerate(pairs)]


def test_calibration_takes_the_midpoint_of_the_best_plateau() -> None:
    # Abstain cases score 0.10 and 0.20, answerable ones 0.50 and 0.80: any threshold in
    # (0.20, 0.50] separates them perfectly, so the grid's plateau is 0.21..0.50.
    points = sweep(scored((True, 0.10), (True, 0.20), (False, 0.50), (False, 0.80)))
    chosen, plateau = choose_threshold(points)
    assert plateau == (0.21, 0.50)
    assert chosen == 0.36  # (0.21 + 0.50) / 2 = 0.355, halves round up


def test_calibration_prefers_the_widest_of_equal_plateaus() -> None:
    points = [CalibrationPoint(t / 100, None, None, 0.0, a) for t, a in enumerate([1, 0, 1, 1, 1, 0])]
    assert choose_threshold(points) == (0.03, (0.02, 0.04))


def test_injection_abstains_at_every_threshold() -> None:
    case = ScoredCase("inject", True, evidence(0.9, injection=True))
    assert case.abstains_at(0.0) and case.abstains_at(1.0)


def test_calibration_never_abstains_on_a_warning_sign_question() -> None:
    """One abstain rule for the pipeline and the calibration: warning signs are always answered."""
    case = ScoredCase("numb", False, evidence(0.0, notice="see a doctor"))
    assert not case.abstains_at(1.0)


@pytest.mark.parametrize(
    "fixture", ["assistant", pytest.param("local_assistant", marks=pytest.mark.local_embeddings)]
)
def test_default_thresholds_match_calibration(fixture: str, request: pytest.FixtureRequest) -> None:
    """The abstention threshold is one `assistant calibrate` finds best on the dev sets, never a
    magic number: for BM25 only, `min_evidence` (words); with local embeddings, `min_closeness`
    (meaning). Each decides as many dev cases right as the best threshold does."""
    assistant = request.getfixturevalue(fixture)
    cases = [case for path in DEV_SETS for case in load_cases(path)]
    calibration = calibrate(assistant, cases)
    name, _ = assistant.threshold_setting()
    default = Settings.model_fields[name].default
    at_default = next(p for p in calibration.points if abs(p.threshold - default) < 1e-9)
    low, high = calibration.plateau
    assert at_default.accuracy == calibration.best.accuracy, (
        f"Settings.{name} defaults to {default} ({at_default.accuracy:.3f} decided right), but "
        f"`assistant calibrate` finds {low:.2f}..{high:.2f} best ({calibration.best.accuracy:.3f})"
    )


@pytest.mark.usefixtures("cli_env")
def test_calibrate_prints_the_chosen_threshold(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calibrate"]) == 0
    assert "calibrated min_evidence = " in capsys.readouterr().out  # the cli_env runs BM25 only


def test_unmeasured_figure_skips_its_gate_instead_of_failing() -> None:
    bound = Bound(min=0.9)
    assert Check("abstention_recall", None, bound).ok
    assert not Check("abstention_recall", 0.5, bound).ok
    assert Check("invalid_citations", 0, Bound(max=0)).ok
