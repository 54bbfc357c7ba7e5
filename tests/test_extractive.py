"""How answers are composed and guarded, asserted through `Assistant.answer` on the shipped corpus:
what a reader sees, not how a score is computed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from assistant.answering.pipeline import Assistant
from assistant.settings import PROJECT_ROOT
from testkit.isolated import make_settings


def first_sentence(answer) -> str:
    return answer.text.split(". ")[0]


@pytest.mark.parametrize(
    "question",
    [
        "my back pain travels into my buttock and calf when I run, can the core session help?",
        "I tripped on a kerb last week and my back has hurt since, ok to do dead bugs?",
        "getting pins and needles in my foot plus a sore low back, should i keep training",
        "my legs feel weak and wobbly and my back aches, is that my core?",
        "back pain that's worse every week and keeps me up at night, what now",
    ],
)
def test_everyday_wording_of_a_warning_sign_leads_with_the_professional_advice(
    assistant: Assistant, question: str
) -> None:
    answer = assistant.answer(question)
    assert answer.safety_notice and not answer.abstained
    assert "see a doctor or a physiotherapist" in first_sentence(answer)
    for instruction in ("Set-up:", "How to do it:", "Make it harder:"):
        assert instruction not in answer.text


@pytest.mark.parametrize("which", ["assistant", "local_assistant"])
def test_a_warning_sign_answer_quotes_nothing_from_a_moves_instructions(
    request: pytest.FixtureRequest, which: str
) -> None:
    question = (
        "my left foot keeps going numb on runs and my back aches. Which of the moves matters most for me?"
    )
    answer = request.getfixturevalue(which).answer(question)
    assert answer.safety_notice and "see a doctor or a physiotherapist" in first_sentence(answer)
    # a move's fix is an instruction too: nothing of how to do a move follows the advice
    moves = {"Dead bug", "Crunches", "Shoulder taps", "Bear walks"}
    assert not [c.section for c in answer.citations if c.section in moves], answer.text


@pytest.mark.parametrize(
    "question",
    [
        "my abs are sore two days after my first core session, normal?",
        "Is form or the number of reps more important for core moves?",
        "my back is a bit stiff after a long run, what can help?",
    ],
)
def test_ordinary_soreness_and_plain_questions_get_no_notice(assistant: Assistant, question: str) -> None:
    assert assistant.answer(question).safety_notice is None


def test_slang_and_filler_do_not_sink_a_question_the_corpus_answers(assistant: Assistant) -> None:
    answer = assistant.answer("ngl my lower back is basically wrecked after long runs lol, why?")
    assert not answer.abstained
    assert answer.citations


def test_the_sentence_a_that_points_back_comes_with_the_one_it_points_at(assistant: Assistant) -> None:
    answer = assistant.answer("What does Copeland say is the most important thing in the dead bug?")
    text = answer.text
    if "That's the most important thing here" in text:
        assert text.index("every part of my back is connected") < text.index("That's the most important")


def test_the_best_sentence_comes_first(assistant: Assistant) -> None:
    answer = assistant.answer("how long should i rest between sets?")
    assert "a minute between sets" in first_sentence(answer)


def test_the_second_one_is_resolved_against_the_list_the_previous_answer_gave(
    assistant: Assistant,
) -> None:
    history = [
        {"role": "user", "content": "which moves are in the session?"},
        {"role": "assistant", "content": "Dead bug, crunches, shoulder taps and bear walks."},
    ]
    answer = assistant.answer("what's the common mistake in the second one?", history)
    assert not answer.abstained
    assert "pulling on your neck" in answer.text


def test_a_self_contained_question_after_another_is_answered_as_in_a_fresh_chat(
    assistant: Assistant,
) -> None:
    question = "How do you do a bear walk?"
    history = [
        {"role": "user", "content": "How often should I do the core session?"},
        {"role": "assistant", "content": "At least once a week, and twice a week if you can."},
    ]
    assert assistant.answer(question, history).text == assistant.answer(question).text


def test_bm25_returns_as_many_passages_as_top_k_asks_for(tmp_path) -> None:
    wide = Assistant.from_settings(make_settings(tmp_path, top_k=12))
    answer = wide.answer("core back runners session moves dead bug crunches shoulder taps bear walks")
    assert len(answer.passages) == 12


def test_importing_the_token_counter_changes_no_environment() -> None:
    code = "import os, assistant.text.tokens; print('TIKTOKEN_CACHE_DIR' in os.environ)"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "False"
