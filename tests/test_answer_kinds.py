"""The kind of answer a question asks for, in its own wording: a duration, a person with a role, a
time in the week, the advice for beginners, one quote per move for a list, both moves of a
comparison, the reason behind a "why". Worded apart from the eval sets."""

from __future__ import annotations

import re

import pytest

from assistant.answering.pipeline import Assistant

BOTH = pytest.mark.parametrize("which", ["assistant", "local_assistant"])


def answer_text(request: pytest.FixtureRequest, which: str, question: str) -> str:
    answer = request.getfixturevalue(which).answer(question)
    assert not answer.abstained, question
    return answer.text


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[.?!]) ", text, maxsplit=1)[0]


def assert_in_order(text: str, parts: list[str]) -> None:
    """Every part is quoted, in the order given (the corpus's order)."""
    assert all(part in text for part in parts), text
    assert [text.index(part) for part in parts] == sorted(text.index(part) for part in parts), text


@BOTH
def test_a_how_long_question_gets_the_length_of_the_whole_session(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(
        request, which, "how long will the core workout take me from start to finish, I'm short on time"
    )
    assert "15 to 20 minutes" in first_sentence(text)


@BOTH
def test_a_who_question_gets_the_sentence_that_names_the_trainer(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(request, which, "who is the woman showing the moves in the video")
    first = first_sentence(text)  # the answer leads with her, not with a sentence about the video
    assert "Copeland" in first and re.search("trainer", first, re.I)


@BOTH
def test_a_question_from_a_newcomer_gets_the_advice_for_people_new_to_core_work(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(
        request, which, "first time ever doing ab training, must I do every round from day one?"
    )
    assert "start with one set" in text


@BOTH
def test_a_beginner_in_the_readers_words_gets_the_advice_for_people_new_to_core_work(
    request: pytest.FixtureRequest, which: str
) -> None:
    # The corpus says "new to core work"; readers say beginner, novice, newbie (corpus/glossary.yaml).
    text = answer_text(
        request,
        which,
        "Just turned 63 and took up parkrun last spring. What's the right way for a beginner to start on this?",
    )
    assert "start with one set" in first_sentence(text)


@BOTH
def test_weighing_how_many_reps_against_how_they_are_done_gets_the_sentence_on_reps(
    request: pytest.FixtureRequest, which: str
) -> None:
    # The corpus weighs slow, controlled reps against a high number of them: that sentence leads,
    # not a move's set-up that merely shares the word "control".
    text = answer_text(request, which, "Quantity versus control on these core moves, which wins?")
    assert re.search(
        r"Slow, controlled reps|form matters even more than the number of reps", first_sentence(text)
    )


# Local only: without a model, "…before my tempo run?" shares more weighted words with an
# out-of-scope question about tempo runs than with the written questions on timing, so lean declines
# it (a known limit of judging scope by words, see answering/scope.py).
@pytest.mark.parametrize("which", ["local_assistant"])
def test_a_question_about_doing_it_next_to_a_hard_run_gets_the_timing_advice(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(request, which, "is it ok to squeeze the core circuit in just before my tempo run?")
    assert re.search(r"right before a hard workout|after an easy run", text)


@BOTH
@pytest.mark.parametrize(
    "question",
    [
        "when should I slot the core session in, before a run or after it?",
        "whereabouts in my week should the core session go?",
        "I run mon wed fri. whereabouts in my week does the core workout fit?",
        "my legs are shattered from yesterday's race, ok to do the core session today or should I wait?",
    ],
)
def test_a_when_question_gets_the_time_in_the_week(
    request: pytest.FixtureRequest, which: str, question: str
) -> None:
    text = answer_text(request, which, question)
    assert re.search(r"after an easy run|rest day", text), text


MOVES = ("Dead bug", "Crunches", "Shoulder taps", "Bear walks")


@BOTH
@pytest.mark.parametrize(
    "question",
    [
        "what exercises make up the routine?",
        # the moves named, then asked after further on
        "the post talks about five moves but I only spotted four of them in the text. what are all five?",
        # "set" as the whole list, not a count of sets; a line-up; moves sorted by how they are done
        "could you take me through each exercise of the workout? I'm copying the complete set into my notebook",
        "what's the line-up of moves in the circuit?",
        "group the exercises for me by which ones are on the floor and which ones are on all fours",
    ],
)
def test_a_question_about_the_moves_names_every_move(
    request: pytest.FixtureRequest, which: str, question: str
) -> None:
    text = answer_text(request, which, question)
    assert all(move in text for move in MOVES), text


@BOTH
def test_asking_for_one_step_of_every_move_quotes_that_step_of_each(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(request, which, "give me the set-up for all of the moves")
    for move in MOVES:
        assert re.search(rf"{move}\. Set-up:", text), move
    assert "Common mistake" not in text


@pytest.mark.parametrize(
    "question",
    [
        "list the common mistake for every move",
        # "every single", and a remark after the ask that names nothing of the corpus
        "what's the usual mistake on every single exercise? want it on a card for my locker",
    ],
)
def test_asking_for_the_mistake_of_each_move_quotes_each_move_s_mistake(
    assistant: Assistant, question: str
) -> None:
    text = assistant.answer(question).text
    assert text.count("Common mistake") == len(MOVES), text


def test_asking_which_moves_have_a_property_leaves_out_the_others(assistant: Assistant) -> None:
    text = assistant.answer("which of the moves have you lying flat on your back?").text
    assert "Dead bug" in text and "Crunches" in text
    assert "Shoulder taps" not in text and "Bear walks" not in text


def test_a_duration_asked_of_each_move_is_the_session_plan_s_not_a_list(assistant: Assistant) -> None:
    text = assistant.answer("how long do I work on every exercise?").text
    assert "30 seconds" in text


@BOTH
def test_a_comparison_quotes_each_asked_step_of_both_moves(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(
        request, which, "crunches versus dead bugs: how do their set-ups and their usual mistakes compare?"
    )
    for move in ("Crunches", "Dead bug"):
        assert move in text
    assert "lie on your back with your knees bent" in text and "lie on your back, extend your arms" in text
    assert "pulling on your neck" in text and "lower back arch" in text


@BOTH
def test_a_why_question_gets_the_mechanism_with_the_consequence(
    request: pytest.FixtureRequest, which: str
) -> None:
    """ "When those muscles are weak…" is quoted with the sentence that says which muscles: the core
    wraps around to the back."""
    text = answer_text(request, which, "how come flabby abs would leave my lower back aching?")
    assert "weak core" in text
    assert re.search(r"wraps all the way around", text)


def test_form_faults_of_each_move_are_the_mistakes_not_the_technique(assistant: Assistant) -> None:
    text = assistant.answer("sum up the form errors for each of the moves").text
    assert text.count("Common mistake") == len(MOVES) and "Set-up" not in text, text


def answer_after(request: pytest.FixtureRequest, which: str, history: list[dict], question: str) -> str:
    answer = request.getfixturevalue(which).answer(question, history)
    assert not answer.abstained, question
    return answer.text


@BOTH
def test_a_follow_up_about_it_gets_the_step_it_asks_for_from_the_move_in_context(
    request: pytest.FixtureRequest, which: str
) -> None:
    history = [
        {"role": "user", "content": "what's the one thing to focus on in the dead bug?"},
        {"role": "assistant", "content": "Keep your whole back on the floor. [1]"},
    ]
    assert "opposite arm" in answer_after(request, which, history, "Got that down. How can I progress it?")
    # A difficulty told in the reader's words asks for the fix that goes with the mistake.
    assert "only as far as" in answer_after(request, which, history, "what if my back won't stay down though")


@BOTH
def test_is_that_normal_gets_the_sentence_that_says_what_is_normal(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(request, which, "my stomach muscles ache since yesterday's circuit, is that normal?")
    assert "soreness a day or two after a new session is normal" in text


@BOTH
def test_a_how_many_question_is_answered_by_a_count_not_by_one_foot_or_one_hand(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(request, which, "how many rounds of the circuit should I do in one go?")
    assert "three sets" in text


@BOTH
def test_a_question_the_corpus_answers_only_in_part_says_which_part_it_does_not_cover(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(
        request, which, "how long does the session take, and which energy gel works best before it?"
    )
    assert "15 to 20 minutes" in text
    assert "don't cover this part of your question" in text and "which energy gel works best" in text
    # A question the corpus answers in full gets no such line, nor does a remark after it.
    text = answer_text(request, which, "how often should I do the session? I run four times a week.")
    assert "don't cover" not in text


@BOTH
def test_each_move_of_a_comparison_is_quoted_from_its_own_section(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(
        request, which, "how is a crunch different from the dead bug? you lie on your back for both"
    )
    assert "Crunches." in text and "Dead bug." in text
    assert "curl your ribs" in text


@BOTH
def test_the_key_technique_point_of_a_move_is_its_cue(request: pytest.FixtureRequest, which: str) -> None:
    text = answer_text(request, which, "what's the main technique point for the dead bug?")
    assert "Cue: keep every part of your back connected to the floor" in text


@BOTH
def test_she_in_a_follow_up_is_the_person_the_previous_answer_named(
    request: pytest.FixtureRequest, which: str
) -> None:
    history = [
        {"role": "user", "content": "who presents the moves?"},
        {"role": "assistant", "content": "Traci Copeland leads the session in the video. [1]"},
    ]
    text = answer_after(request, which, history, "does she teach yoga as well?")
    assert "yoga instructor" in text


@BOTH
def test_a_choice_between_two_times_gets_both_timing_sentences(
    request: pytest.FixtureRequest, which: str
) -> None:
    """ "Core" and "workout" are words of headings here, not two moves to compare."""
    text = answer_text(request, which, "core straight after a gentle jog, or just before my intervals?")
    assert "after an easy run" in text and "right before a hard workout" in text


@BOTH
def test_when_in_the_week_gets_the_sentence_that_places_the_session(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(request, which, "when in a busy week should I squeeze the session in?")
    assert "after an easy run or on a rest day" in text


@BOTH
def test_each_ask_of_a_two_part_question_is_answered_from_its_own_passage(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(
        request, which, "what goes wrong most often with bear walks, and how many seconds is each move?"
    )
    assert "hips pike up" in text and "30 seconds" in text


@BOTH
@pytest.mark.parametrize(
    "question",
    ["so what's inside the routine?", "what does the circuit involve?", "what do I even do in the workout?"],
)
def test_asking_what_the_session_is_made_of_lists_every_move(
    request: pytest.FixtureRequest, which: str, question: str
) -> None:
    text = answer_text(request, which, question)
    assert all(move in text for move in ("Dead bug", "Crunches", "Shoulder taps", "Bear walks"))


@BOTH
def test_an_ordinal_counts_the_moves_the_previous_answer_listed(
    request: pytest.FixtureRequest, which: str
) -> None:
    assistant = request.getfixturevalue(which)
    listing = assistant.answer("name every exercise in the circuit")
    history = [
        {"role": "user", "content": "name every exercise in the circuit"},
        {"role": "assistant", "content": listing.text},
    ]
    assert "high plank" in answer_after(request, which, history, "and how is the third one done?")


@BOTH
def test_a_follow_up_asking_how_much_of_it_without_naming_it_stays_on_the_routine(
    request: pytest.FixtureRequest, which: str
) -> None:
    # "How much is enough…?" leaves out what it counts: the move just discussed, whose session plan
    # gives the amounts. Judged alone, its few words would decline it.
    history = [
        {"role": "user", "content": "Show me how bear walks are done"},
        {"role": "assistant", "content": "Bear walks. How to do it: crawl forward with small steps. [1]"},
    ]
    text = answer_after(request, which, history, "how much is enough per session, roughly?")
    assert re.search(r"three sets|30 seconds", text)


@BOTH
def test_a_how_many_follow_up_is_not_answered_by_a_measure_of_height(
    request: pytest.FixtureRequest, which: str
) -> None:
    # "Lift your knees an inch or two" measures a height; it is no count of reps or sets.
    history = [
        {"role": "user", "content": "What's the right way to do shoulder taps?"},
        {
            "role": "assistant",
            "content": "Shoulder taps. How to do it: lift one hand and tap the opposite shoulder. [1]",
        },
    ]
    text = answer_after(request, which, history, "how many should I aim for in each set?")
    assert "inch or two" not in first_sentence(text)
    assert re.search(r"three sets|30 seconds", first_sentence(text))


# Lean declines this one: by words alone, "how long each time" comes closer to an out-of-scope
# question about run lengths (a known weakness of judging scope by words).
@pytest.mark.parametrize("which", ["local_assistant"])
def test_a_terse_follow_up_gets_the_quantity_it_asks_for(request: pytest.FixtureRequest, which: str) -> None:
    history = [
        {"role": "user", "content": "explain the crunch please"},
        {"role": "assistant", "content": "Crunches. Set-up: lie on your back with your knees bent. [1]"},
    ]
    assert "30 seconds" in answer_after(request, which, history, "for how long each time?")


# Local only: without a model, the framing words of such requests ("step", "full", "finish") match
# other sentences ("small steps", "the full video", "the finish line") and the wrong move leads.
def test_a_request_for_every_step_of_a_move_gets_the_whole_move_in_order(
    local_assistant: Assistant,
) -> None:
    answer = local_assistant.answer("crunches: give me everything, step by step")
    text = answer.text
    assert_in_order(text, ["Set-up:", "How to do it:", "Common mistake:"])


@BOTH
def test_a_question_on_good_form_gets_every_part_of_the_move_but_not_how_to_make_it_harder(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(request, which, "what does clean technique on the dead bug look like?")
    # where to start, how to move, what to feel for, and what goes wrong, in the corpus's order
    assert_in_order(
        text, ["straight up toward the ceiling", "hovers just above", "connected to the floor", "arch off"]
    )
    assert "opposite arm overhead" not in text


@BOTH
def test_form_cues_for_a_move_include_its_set_up_and_the_fix_for_its_mistake(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(request, which, "any pointers on proper form for bear walks? total beginner here")
    assert "hands and knees" in text and "tabletop" in text, text


@BOTH
def test_a_form_question_that_names_what_goes_wrong_leads_with_the_mistake(
    request: pytest.FixtureRequest, which: str
) -> None:
    question = "want to do shoulder taps properly this time, but my hips sway every tap. what's off?"
    text = answer_text(request, which, question)
    assert "hips rock" in first_sentence(text.removeprefix("Shoulder taps. ")), text


@BOTH
@pytest.mark.parametrize(
    ("question", "fix"),
    [
        ("if I only remember one thing on the bear walk, what should it be?", "tabletop"),
        ("crunches: the main thing to focus on?", "size of a fist"),
    ],
)
def test_the_key_point_of_a_move_with_no_cue_of_its_own_is_the_fix_for_its_mistake(
    request: pytest.FixtureRequest, which: str, question: str, fix: str
) -> None:
    assert fix in first_sentence(answer_text(request, which, question))


@BOTH
def test_a_cue_asked_of_every_move_quotes_one_for_each_even_where_the_notes_give_none_by_name(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(request, which, "could I get a single form reminder for each exercise?")
    # the dead bug's own cue, and for the other moves the fix for their mistake, in the notes' order
    assert_in_order(text, ["connected to the floor", "size of a fist", "hips stay still", "tabletop"])
    assert "Set-up:" not in text


@BOTH
@pytest.mark.parametrize(
    "question",
    [
        "list what people get wrong, exercise by exercise",
        "Nobody checks my technique at the gym. Which errors should I look out for in each of these moves?",
    ],
)
def test_mistakes_asked_move_by_move_quote_every_moves_mistake_and_no_set_up(
    request: pytest.FixtureRequest, which: str, question: str
) -> None:
    text = answer_text(request, which, question)
    mistakes = ["arch off", "pulling on your neck", "hips rock", "pike up"]
    assert all(mistake in text for mistake in mistakes), text
    assert "Set-up:" not in text


@BOTH
def test_how_to_do_a_move_with_an_adverb_gets_the_set_up_and_the_movement(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(request, which, "how do you correctly do shoulder taps? first time trying")
    assert "high plank" in text and "tap the opposite shoulder" in text


@BOTH
def test_which_moves_have_something_quotes_the_step_that_says_it_from_those_moves_only(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(request, which, "which moves say at what point to breathe out?")
    assert "Breathe out as the foot lowers" in text and "breathe out and curl" in text
    assert "Bear walks" not in text and "Shoulder taps" not in text


def test_a_terse_follow_up_to_an_answer_stays_on_its_subject(assistant: Assistant) -> None:
    history = [
        {"role": "user", "content": "what time of the week suits the core circuit?"},
        {"role": "assistant", "content": "After an easy run or on a rest day, not right before a race."},
    ]
    answer = assistant.answer("how come not just before, though", history)
    assert not answer.abstained
    assert "easy run" in answer.text or "race" in answer.text


def test_a_follow_up_pointing_at_what_mine_do_names_no_new_thing(assistant: Assistant) -> None:
    history = [
        {"role": "user", "content": "what goes wrong most often with bear walks?"},
        {"role": "assistant", "content": "Letting your hips pike up high or your back sag."},
    ]
    answer = assistant.answer("yep, that is what mine do. how do I sort it out?", history)
    assert not answer.abstained
    assert "tabletop" in answer.text


@BOTH
def test_who_are_the_people_quoted_names_each_of_them(request: pytest.FixtureRequest, which: str) -> None:
    text = answer_text(
        request, which, "which experts does the piece quote, and what are their qualifications?"
    )
    assert "Copeland" in text and "Luciani" in text


@BOTH
def test_the_starting_position_of_each_move_is_its_set_up_not_the_movement(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(request, which, "give me the start position for every one of the exercises")
    assert text.count("Set-up:") >= 4 and "How to do it:" not in text


@BOTH
def test_what_to_watch_out_for_on_a_move_is_its_common_mistake(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(request, which, "anything I should be careful of when doing crunches?")
    assert "Common mistake:" in first_sentence(text) or "pulling on your neck" in text.split(".")[1]


@BOTH
def test_how_far_is_answered_by_the_sentence_that_says_how_far(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(request, which, "on the dead bug, how low should my foot come down?")
    assert "just above the ground" in text or "as far as you can" in text


@BOTH
def test_when_does_it_matter_is_answered_by_the_moment_in_a_run(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(request, which, "when does a steady trunk count the most while running?")
    assert "late in a run" in first_sentence(text)


@BOTH
def test_a_list_of_every_exercise_quotes_each_move_even_when_the_search_finds_none(
    request: pytest.FixtureRequest, which: str
) -> None:
    """The glossary widens "routine" with "sets"; that must not turn a list question into a
    question about a quantity."""
    text = answer_text(request, which, "please could you list every exercise in the routine for my notebook")
    assert all(move in text for move in ("Dead bug", "Crunches", "Shoulder taps", "Bear walks")), text


def test_a_follow_up_asking_for_a_cue_stays_with_the_move_in_context(local_assistant: Assistant) -> None:
    """Shoulder taps have no "Cue:" line; the dead bug's cue is no answer about shoulder taps."""
    history = [
        {"role": "user", "content": "my hips swing about on shoulder taps, what's going wrong?"},
        {
            "role": "assistant",
            "content": "Shoulder taps. Common mistake: letting your hips rock from side to side.",
        },
    ]
    answer = local_assistant.answer("and how do I put that to my group as one quick cue?", history)
    assert not answer.abstained
    assert "Widen your feet" in answer.text and "Dead bug" not in answer.text


def test_a_follow_up_that_moves_on_to_another_topic_is_declined(local_assistant: Assistant) -> None:
    """Its own words are about something else: the conversation's subject does not carry it."""
    history = [
        {"role": "user", "content": "which trainer takes the session in the clip?"},
        {"role": "assistant", "content": "Traci Copeland, a Nike Master Trainer and yoga instructor."},
    ]
    for moved_on in (
        "Cheers. Should I take iron tablets for the tiredness I get on my long runs?",
        "Nice one. Does she have a recipe book with meals for marathon training?",
    ):
        assert local_assistant.answer(moved_on, history).abstained, moved_on
    # A short follow-up that needs the subject to make sense still goes on with it.
    assert not local_assistant.answer("and her background?", history).abstained


@BOTH
def test_when_not_to_do_it_gets_the_sentence_that_says_what_to_avoid(
    request: pytest.FixtureRequest, which: str
) -> None:
    history = [
        {"role": "user", "content": "what is a good slot in my week for the circuit?"},
        {"role": "assistant", "content": "After an easy run or on a rest day."},
    ]
    for question in (
        "so not the night before a long run then?",
        "so never on the evening before a race, right?",
    ):
        answer = request.getfixturevalue(which).answer(question, history)
        assert not answer.abstained, question
        assert first_sentence(answer.text.split(": ", 1)[-1]).startswith("Avoid doing it right before"), (
            question
        )


@BOTH
def test_where_a_body_part_goes_is_answered_by_the_set_up(request: pytest.FixtureRequest, which: str) -> None:
    history = [
        {"role": "user", "content": "how do I do a crunch?"},
        {
            "role": "assistant",
            "content": "Breathe out and curl your ribs toward your hips, then lower slowly.",
        },
    ]
    answer = request.getfixturevalue(which).answer("right, and where should my hands be?", history)
    assert "behind your head" in answer.text


@BOTH
def test_is_it_fine_to_asks_leave_not_whether_something_is_normal(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(
        request, which, "how long does the circuit last, and is it fine to do it on a rest day?"
    )
    assert "rest day" in text and "soreness" not in text


@BOTH
def test_a_pause_after_every_move_is_about_rest_not_a_list_of_moves(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(
        request, which, "do I rest after every exercise or only once I have done the whole round?"
    )
    assert "between sets" in text or "one after another" in text
    assert "Set-up" not in text


@BOTH
def test_exhale_is_the_corpus_s_breathe_out(request: pytest.FixtureRequest, which: str) -> None:
    text = answer_text(request, which, "on the dead bug do I exhale as the leg goes down or as it comes up?")
    assert "Breathe out as the foot lowers" in text


@BOTH
def test_a_move_that_feels_easy_now_gets_its_progression(request: pytest.FixtureRequest, which: str) -> None:
    text = answer_text(
        request, which, "dead bugs feel really easy these days, how can they get more difficult?"
    )
    assert "Make it harder" in text


@BOTH
def test_what_matters_most_on_a_move_is_its_cue(request: pytest.FixtureRequest, which: str) -> None:
    text = answer_text(request, which, "on the dead bug, what is the one thing that matters most?")
    assert text.startswith("Dead bug. Cue: keep every part of your back connected")


@BOTH
def test_where_in_the_week_it_goes_is_the_timing_advice(request: pytest.FixtureRequest, which: str) -> None:
    text = answer_text(
        request,
        which,
        "I run on Wednesdays, Fridays and Sundays. Which day of the week suits the circuit?",
    )
    assert "easy run" in text or "rest day" in text


def test_a_frequency_put_up_for_a_yes_or_no_gets_how_often(local_assistant: Assistant) -> None:
    history = [
        {"role": "user", "content": "how long is one round of the circuit?"},
        {"role": "assistant", "content": "About 30 seconds a move; the whole session is 15 to 20 minutes."},
    ]
    answer = local_assistant.answer("right, and I must do it daily?", history)
    assert re.search(r"(once|twice) a week", first_sentence(answer.text)), answer.text


def test_a_request_beside_a_question_is_an_ask_of_its_own(local_assistant: Assistant) -> None:
    """ "I'd love a…" asks for something: the part the corpus answers is answered, the request is named
    as not covered, and neither sinks the other. (Without a model, words alone take a "plan" for the
    session plan.)"""
    answer = local_assistant.answer(
        "Could you explain how to set up for bear walks? Also I'd love a 12-week plan for my first 10k."
    )
    text = answer.text
    assert "hands and knees" in text
    assert "don't cover this part" in text and "12-week plan" in text.split("don't cover this part")[-1]


@BOTH
def test_a_question_on_the_routine_that_asks_what_it_lacks_is_answered_in_part(
    request: pytest.FixtureRequest, which: str
) -> None:
    """Not declined as a question on stretching: what the routine is, and a line on what is not covered."""
    text = answer_text(request, which, "Does this routine include any cool-down stretches for the calves?")
    assert "three sets of five core moves" in text
    assert (
        "don't cover this part" in text and "cool-down stretches" in text.split("don't cover this part")[-1]
    )


def test_a_question_on_the_moves_the_corpus_answers_gets_no_not_covered_line(
    local_assistant: Assistant,
) -> None:
    # Closest in meaning to a question on breathing while running, but it names nothing the corpus
    # does not speak of: the moves' own breathing cues answer it, and nothing is said to be missing.
    answer = local_assistant.answer("Is there a particular way to breathe while doing these moves?")
    assert not answer.abstained
    assert "breathe out" in answer.text.lower()
    text = answer.text
    assert "don't cover" not in text


def test_asking_for_a_simple_explanation_is_no_part_left_uncovered(local_assistant: Assistant) -> None:
    # "Like I'm five" says how to answer, not what: it is not named as something the corpus lacks.
    answer = local_assistant.answer("no idea what a dead bug is tbh, can someone explain like im five")
    assert not answer.abstained
    assert "Dead bug" in answer.text and "don't cover" not in answer.text


@BOTH
def test_fitting_the_session_into_the_week_gets_the_timing_advice(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(request, which, "how do I slot the circuit into a busy week of runs?")
    assert first_sentence(text.split(": ", 1)[-1]).startswith(
        ("A good time for the session", "Avoid doing it")
    )


@BOTH
def test_a_count_of_reps_is_answered_by_the_time_on_each_move(
    request: pytest.FixtureRequest, which: str
) -> None:
    """The notes give no count of reps; they give the time on each move, which is the answer."""
    text = answer_text(request, which, "how many reps of each move am I meant to do? the video never says")
    assert "30 seconds on each move" in text


@BOTH
def test_form_that_falls_apart_when_tired_gets_late_in_a_run(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(
        request,
        which,
        "my legs are fatigued by the last few miles and my form goes to pot, is core work any help?",
    )
    assert "late in a run" in first_sentence(text)


def test_what_something_is_not_comes_with_what_it_is(local_assistant: Assistant) -> None:
    """ "Your core is not only the muscles around your belly button." needs the sentence after it."""
    answer = local_assistant.answer("is the core only the belly muscles at the front?")
    text = answer.text
    assert "not only the muscles around your belly button" in text
    assert "wraps all the way around your torso" in text


def test_a_story_before_a_question_on_the_moves_does_not_make_it_about_something_else(
    local_assistant: Assistant,
) -> None:
    """The story is about a dog on the lead; the sentence that asks names the moves, so the question
    is on the corpus's subject and gets the moves that put weight on the hands."""
    answer = local_assistant.answer(
        "My terrier yanks on the lead every morning and my shoulders feel it. "
        "Which of the moves puts weight on my hands?"
    )
    assert not answer.abstained, answer.text
    text = answer.text
    assert "Shoulder taps" in text and "Bear walks" in text


def test_moves_named_in_the_story_are_the_ones_a_later_question_asks_about(
    local_assistant: Assistant,
) -> None:
    """ "The moves" after a story about dance moves are those dance moves: declined."""
    answer = local_assistant.answer(
        "We're learning new dance moves for a wedding. Which of the moves is easiest for a beginner?"
    )
    assert answer.abstained, answer.text


@BOTH
def test_asking_what_to_do_before_the_moves_is_answered_with_the_timing_and_what_is_not_covered(
    request: pytest.FixtureRequest, which: str
) -> None:
    """Not declined as a question on stretching: when the session goes, and a line naming the part
    the corpus does not cover."""
    text = answer_text(request, which, "Which stretches should I do before the core exercises?")
    assert "after an easy run" in text
    assert "don't cover this part" in text and "stretches" in text.split("don't cover this part")[-1]


def test_a_move_called_by_a_reader_s_name_for_it_is_the_routine_s_move(local_assistant: Assistant) -> None:
    """ "Situps" are the routine's crunches: a question on making them harder with a ball gets the
    crunches and a line on the part not covered, not a refusal."""
    answer = local_assistant.answer("Would holding a medicine ball make my situps tougher?")
    assert not answer.abstained, answer.text
    assert "Crunches" in answer.text
    assert "medicine ball" in answer.text.split("don't cover this part")[-1]


@BOTH
def test_when_to_and_when_not_to_in_one_question_gets_both(
    request: pytest.FixtureRequest, which: str
) -> None:
    """Two kinds of answer asked at once: the words favour "a good time…", yet "avoid…" answers too."""
    text = answer_text(request, which, "What day is best for the circuit, and when would you never do it?")
    assert "after an easy run" in text and "Avoid doing it" in text


@BOTH
def test_never_having_done_it_before_asks_for_no_time_to_avoid(
    request: pytest.FixtureRequest, which: str
) -> None:
    """ "Never tried it before" tells experience, not a time to keep off: the advice for newcomers,
    without the sentence on when to avoid the session."""
    text = answer_text(request, which, "Never tried core training before, is a single set enough to begin?")
    assert "If you are new to core work" in text and "Avoid doing it" not in text


@BOTH
@pytest.mark.parametrize(
    "question",
    [
        "Are there breathing instructions in any of the exercises? Please give me every one.",
        "which of the exercises have a breathing cue, and what does it say for each? as a swimmer, "
        "breath control is everything to me so I want the full set",
    ],
)
def test_breathing_cues_across_the_moves_are_the_steps_that_say_when_to_breathe(
    request: pytest.FixtureRequest, which: str, question: str
) -> None:
    """ "Breathing tips" ask about breathing, not for each move's "Cue:" or its set-up: the two moves
    whose steps say when to breathe out, and not the two whose steps say nothing of it."""
    text = answer_text(request, which, question)
    assert "Breathe out as the foot lowers" in text and "breathe out and curl" in text
    assert "Shoulder taps" not in text and "Bear walks" not in text


@BOTH
@pytest.mark.parametrize(
    "question",
    [
        "Do any of the moves tell you when to breathe out? Give me every single one of them.",
        "Do the exercises come with breathing instructions? I'd like all of them.",
    ],
)
def test_a_request_that_only_points_back_is_no_part_left_uncovered(
    request: pytest.FixtureRequest, which: str, question: str
) -> None:
    """ "…? Give me every one." asks for all of what the question before it asked: it is answered by
    that answer, and is not named as a part the corpus does not cover."""
    text = answer_text(request, which, question)
    assert "Breathe out as the foot lowers" in text and "breathe out and curl" in text
    assert "don't cover" not in text


@BOTH
@pytest.mark.parametrize(
    "question",
    [
        "Where in my week does the core circuit belong? I train five days.",
        "Marathon in 10 weeks - how do I fit this routine into my training?",
    ],
)
def test_where_the_session_goes_in_a_week_gets_when_to_do_it_and_when_not_to(
    request: pytest.FixtureRequest, which: str, question: str
) -> None:
    """Asking where the session goes is answered by the time that suits it and the time to keep off,
    whichever of the two the question's words favour."""
    text = answer_text(request, which, question)
    assert "after an easy run or on a rest day" in text and "Avoid doing it right before" in text


@pytest.mark.parametrize("which", ["assistant"])  # local: see the note below
def test_an_easier_version_is_the_sentence_that_scales_the_move_back(
    request: pytest.FixtureRequest, which: str
) -> None:
    """ "A gentler version?" is answered by the sentence that scales the move back, not by its
    progression. Lean only: with the local model, that sentence is far in meaning from the question
    and is not quoted (a known gap; letting the asked shape outweigh meaning cost three dev cases)."""
    text = answer_text(
        request, which, "Is there a gentler version of the dead bug for someone just starting?"
    )
    assert "only as far as you can" in text and "Make it harder" not in text


@pytest.mark.parametrize("which", ["assistant"])  # local: see the note below
def test_too_hard_after_asking_for_harder_asks_for_the_easier_way(
    request: pytest.FixtureRequest, which: str
) -> None:
    history = [
        {"role": "user", "content": "How can I make the dead bug more challenging?"},
        {"role": "assistant", "content": "Dead bug. Make it harder: lower the opposite arm overhead. [1]"},
    ]
    text = answer_after(request, which, history, "what if that's too tough for my mum, she's 70?")
    assert "only as far as you can" in text and "Make it harder" not in text


@BOTH
@pytest.mark.parametrize(
    "question",
    [
        "I cycle to work every day and run four times a week. Is one core workout enough, or should I be doing more?",
        "My legs feel fine but I only do the ab routine on Sundays. Is a single session enough?",
    ],
)
def test_whether_one_session_is_enough_is_answered_by_how_often(
    request: pytest.FixtureRequest, which: str, question: str
) -> None:
    """ "Is one enough, or more?" asks how often: the sentence that gives the frequency leads."""
    assert "twice a week" in first_sentence(answer_text(request, which, question))


@BOTH
def test_a_dash_ends_the_story_before_the_question_it_asks(
    request: pytest.FixtureRequest, which: str
) -> None:
    """ "Marathon in 10 weeks - how do I…?": the part after the dash is what is asked, judged on its
    own; it is answered, and not named as a part the corpus does not cover."""
    text = answer_text(request, which, "Marathon in 10 weeks - how do I fit this routine into my training?")
    assert "after an easy run or on a rest day" in text and "don't cover" not in text


@BOTH
@pytest.mark.parametrize(
    "question",
    ["what is the right way to do crunches?", "can you tell me how to do a crunch correctly"],
)
def test_doing_a_move_properly_includes_the_mistake_to_avoid(
    request: pytest.FixtureRequest, which: str, question: str
) -> None:
    """Done properly is done without the common mistake: the steps come with it."""
    text = answer_text(request, which, question)
    assert "Set-up:" in text and "Common mistake:" in text


@BOTH
def test_how_much_rest_is_the_rest_between_sets(request: pytest.FixtureRequest, which: str) -> None:
    text = answer_text(request, which, "bear walks look fun, and how much rest do I take?")
    assert "a minute between sets" in text


@BOTH
def test_a_count_asked_beside_something_else_is_answered_and_the_rest_named_uncovered(
    request: pytest.FixtureRequest, which: str
) -> None:
    """ "…and how many sets?" is an ask of its own, though it names one thing: the session's sets are
    given, and the other ask (gear the corpus never names) is said to be not covered."""
    text = answer_text(
        request, which, "should I buy a foam wedge or resistance loops for this? and how many sets?"
    )
    assert "three sets" in text and "don't cover" in text


@BOTH
def test_a_request_for_just_the_numbers_gets_the_counts_and_the_times(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(request, which, "sets and work time, just the figures please")
    assert "three sets" in text and "30 seconds" in text


@BOTH
def test_how_many_of_one_move_is_what_the_plan_gives_each_move(
    request: pytest.FixtureRequest, which: str
) -> None:
    """The corpus counts no crunches: it gives each move a time, and that is the answer."""
    text = answer_text(request, which, "how many crunches should I do?")
    assert "30 seconds" in first_sentence(text)


@BOTH
@pytest.mark.parametrize("message", ["Explain.", "go on, list every one"])
def test_a_first_message_that_only_points_back_asks_nothing(
    request: pytest.FixtureRequest, which: str, message: str
) -> None:
    """With nothing before it, "explain" or "list them" has nothing to explain or list: it is
    declined with what the assistant can help with, not answered with a stray sentence."""
    assert request.getfixturevalue(which).answer(message).abstained


@BOTH
def test_a_follow_up_that_only_points_back_asks_the_question_before_again(
    request: pytest.FixtureRequest, which: str
) -> None:
    history = [
        {"role": "user", "content": "which exercises make up the session?"},
        {"role": "assistant", "content": "One session is three sets of five core moves. [1]"},
    ]
    text = answer_after(request, which, history, "go on, list every one")
    assert sum(move in text for move in ("Dead bug", "Crunches", "Shoulder taps", "Bear walks")) >= 3


@BOTH
def test_doing_the_routine_at_a_time_is_a_question_on_the_routine(
    request: pytest.FixtureRequest, which: str
) -> None:
    """ "Is it fine to do the core session on race morning?" asks when to do the routine, though it
    comes close to questions on race-day warm-ups; a remark after it ("…haha") is no part of the
    question to name as not covered."""
    text = answer_text(
        request,
        which,
        "can i do these moves the morning of my 10 mile race? want loose legs haha",
    )
    assert "right before a hard workout or a race" in text and "don't cover" not in text


@BOTH
@pytest.mark.parametrize(
    "question",
    [
        "how low should my foot go on the dead bug? my heel keeps banging the floor",
        "bear walk: my bum sticks up in the air, what am I aiming for?",
    ],
)
def test_no_sentence_is_quoted_twice_in_one_answer(
    request: pytest.FixtureRequest, which: str, question: str
) -> None:
    # A sentence chosen for itself may come back as the rest of its step's paragraph.
    text = re.sub(r"\s*\[\d+\]", "", answer_text(request, which, question))
    sentences = [s.strip() for s in re.split(r"(?<=[.?!])\s+", text) if len(s.split()) > 3]
    assert len(sentences) == len(set(sentences)), text


@BOTH
@pytest.mark.parametrize(
    ("question", "fix"),
    [
        ("bear walks: my bum sticks up in the air after a few steps, what am I aiming for?", "tabletop"),
        ("my hips pop up every couple of steps on the bear walk, what's the goal?", "hips low"),
    ],
)
def test_a_fault_told_in_the_reader_s_words_gets_the_move_s_mistake_and_its_fix_first(
    request: pytest.FixtureRequest, which: str, question: str, fix: str
) -> None:
    text = answer_text(request, which, question)
    first_step = text.split(". ", 2)[1]  # after the move's name
    assert first_step.startswith("Common mistake") and fix in text, text


@BOTH
def test_everything_about_a_move_named_quotes_its_instructions_whole(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(
        request, which, "tell me all there is to know on shoulder taps, everything, I'm new to them"
    )
    assert all(label in text for label in ("Set-up:", "How to do it:", "Common mistake:")), text
    assert "Shoulder taps" in text


@BOTH
def test_a_list_of_things_asked_in_one_breath_gets_each_of_them(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(request, which, "session numbers: work interval, rest, sets, sessions a week?")
    for fact in ("30 seconds", "a minute", "three sets", "once a week"):
        assert fact in text, (fact, text)


@BOTH
def test_which_of_them_after_a_list_of_moves_asks_which_of_the_moves(
    request: pytest.FixtureRequest, which: str
) -> None:
    listed = "The four moves are the dead bug, crunches, shoulder taps and bear walks."
    history = [{"role": "user", "content": "name the moves please"}, {"role": "assistant", "content": listed}]
    answer = request.getfixturevalue(which).answer("ok so which of these do I do lying down?", history)
    assert "Dead bug" in answer.text and "Crunches" in answer.text, answer.text
    assert "Bear walks" not in answer.text, answer.text


@BOTH
def test_the_moves_called_ones_are_all_listed(request: pytest.FixtureRequest, which: str) -> None:
    text = answer_text(request, which, "what are the moves in this routine, the main ones")
    assert all(move in text for move in MOVES), text


@BOTH
def test_a_comparison_that_also_names_a_step_gets_how_each_is_done_and_that_step(
    request: pytest.FixtureRequest, which: str
) -> None:
    text = answer_text(
        request,
        which,
        "bear walks versus shoulder taps: how do they differ, and what do people get wrong on each?",
    )
    assert text.count("How to do it:") == 2 and text.count("Common mistake:") == 2, text


@BOTH
@pytest.mark.parametrize(
    ("question", "move", "step"),
    [
        # a move named as one word, as readers type it
        ("how do you do shouldertaps", "Shoulder taps", "Set-up:"),
        ("main mistake with bearwalks", "Bear walks", "Common mistake:"),
        ("whats a deadbug?? no clue how", "Dead bug", "Set-up:"),
        # what a move is, or "no idea how": how it is done
        ("what's a bear walk? never heard of it", "Bear walks", "How to do it:"),
        ("my coach wants crunches but I'm not sure how, any help?", "Crunches", "How to do it:"),
        # the rules of a move are its cue; levelling it up is its progression
        ("any rules to stick to on dead bugs?", "Dead bug", "Cue:"),
        ("dead bugs are fine now, how can I level them up?", "Dead bug", "Make it harder:"),
    ],
)
def test_a_question_on_one_move_gets_the_step_it_asks_for_first(
    request: pytest.FixtureRequest, which: str, question: str, move: str, step: str
) -> None:
    first_quote = answer_text(request, which, question).split("[1]")[0]
    assert first_quote.startswith(move) and step in first_quote


def test_a_lift_with_a_move_s_word_in_it_is_no_move(assistant: Assistant) -> None:
    """ "Deadlift" is no dead bug: only the corpus's own two-word names are split."""
    answer = assistant.answer("how do I fix my deadlift lockout?")
    assert "Dead bug" not in answer.text


@BOTH
@pytest.mark.parametrize(
    ("question", "advice"),
    [
        (
            "complete novice at 50 who has only just started couch to 5k, how do I build up to this?",
            "one set",
        ),
        ("when should i squeeze the core thing in around my c25k runs", "easy run"),
        ("is it fine to hit the ab circuit the day before my fitness test?", "race"),
    ],
)
def test_taking_up_the_routine_in_the_reader_s_words_is_asked_of_the_routine(
    request: pytest.FixtureRequest, which: str, question: str, advice: str
) -> None:
    """ "Ease into it", "the core stuff": the routine, though the reader's story (age, a running plan)
    comes closer to questions the corpus does not answer."""
    assert advice in answer_text(request, which, question)


@BOTH
def test_a_chain_of_short_follow_ups_keeps_the_subject_of_the_question_that_began_it(
    request: pytest.FixtureRequest, which: str
) -> None:
    """ "How come not right before?" after "and when not?" after a question on when to do the session: the
    session, not a question on its own."""
    turns = [
        {"role": "user", "content": "what time of the week suits the core session best?"},
        {"role": "assistant", "content": "After an easy run or on a rest day."},
        {"role": "user", "content": "and when not?"},
        {"role": "assistant", "content": "Not right before a hard workout or a race."},
    ]
    answer = request.getfixturevalue(which).answer("how come not right before?", turns)
    assert not answer.abstained and "fresh" in answer.text


@BOTH
def test_a_follow_up_asking_to_change_it_is_about_it_whatever_its_other_words(
    request: pytest.FixtureRequest, which: str
) -> None:
    turns = [
        {"role": "user", "content": "talk me through a dead bug"},
        {"role": "assistant", "content": "Lie on your back, arms up, knees at 90 degrees, lower one foot."},
    ]
    question = "nailed it after a fortnight, honestly it's a breeze now lol. how do I make it tougher?"
    answer = request.getfixturevalue(which).answer(question, turns)
    assert not answer.abstained and "Make it harder:" in answer.text


@BOTH
def test_quicker_is_the_corpus_s_faster(request: pytest.FixtureRequest, which: str) -> None:
    """A reader's word for what the corpus says in its own ("quicker" for "faster miles")."""
    assert "faster miles" in answer_text(request, which, "honestly, would all this make me any quicker?")


@BOTH
def test_a_short_second_ask_that_names_its_thing_is_named_as_not_covered(
    request: pytest.FixtureRequest, which: str
) -> None:
    """ "…and which gloves are best?" has one meaningful word, but it names the thing it asks for:
    an ask of its own, which the answer says it cannot cover, not one folded into the first."""
    text = answer_text(request, which, "how long do I hold each move, and which gloves are best?")
    assert "30 seconds" in text
    assert "don't cover this part of your question" in text and "which gloves are best" in text


def test_a_plus_sign_inside_a_name_does_not_split_the_question(assistant: Assistant) -> None:
    """ "Well+Good" is a name: its "+" joins no second ask ("which well" is nothing asked)."""
    answer = assistant.answer("which well+good running program is Copeland the trainer for?")
    assert "Program" in answer.text and "don't cover" not in answer.text


@BOTH
def test_a_sentence_asking_for_a_thing_elsewhere_is_named_beside_the_answer_to_the_rest(
    request: pytest.FixtureRequest, which: str
) -> None:
    """A question the corpus answers, then another sentence asking for a thing only questions
    elsewhere name: the first is answered, the second named as not covered in the reader's own words
    (without the lead-in "Then:"), and the whole is not declined."""
    text = answer_text(
        request,
        which,
        "The dead bug makes my back arch, how do I fix that. Then: which trail shoes are best for muddy fells?",
    )
    assert "back stays flat" in text
    assert "don't cover this part of your question" in text
    assert "“which trail shoes are best for muddy fells”" in text


@BOTH
def test_stiffness_the_morning_after_gets_the_sentence_on_normal_soreness(
    request: pytest.FixtureRequest, which: str
) -> None:
    """Next-day stiffness told in a reader's words ("a bit stiff the morning after") is ordinary
    soreness: the answer leads with the sentence that says it is normal, with no notice."""
    answer = request.getfixturevalue(which).answer(
        "abs a bit stiff the morning after, did I do the moves wrong?"
    )
    assert answer.text.startswith("Mild muscle soreness a day or two after a new session is normal")
    assert answer.safety_notice is None


@BOTH
def test_asking_which_show_it_comes_from_names_the_show(request: pytest.FixtureRequest, which: str) -> None:
    """A reader's "show" is the article's "episode": the answer names the programme."""
    assert "Trainer of the Month Club" in first_sentence(
        answer_text(request, which, "which show is the workout taken from?")
    )


@BOTH
def test_a_follow_up_on_the_hands_means_the_hands_of_the_move_in_the_conversation(
    request: pytest.FixtureRequest, which: str
) -> None:
    """No move is named, but "the hands" are those of the move just talked about, not every move's."""
    text = answer_after(
        request,
        which,
        [{"role": "user", "content": "how do I do crunches?"}],
        "where should the hands be placed for a beginner?",
    )
    assert "behind your head" in text.split("[1]")[0]


def test_the_second_ask_gets_the_sentence_closest_to_it_not_to_the_whole_question(
    request: pytest.FixtureRequest,
) -> None:
    """With a model, the sentence for "what is meant by core" is chosen by how close that ask comes to
    it: the whole question's closeness is mostly the first ask's (another sport)."""
    text = answer_text(
        request, "local_assistant", "Does this carry over to tennis? And what exactly is meant by core?"
    )
    assert "obliques" in text or "wraps all the way" in text


@BOTH
def test_a_slogan_that_opens_a_paragraph_comes_with_the_sentence_that_explains_it(
    request: pytest.FixtureRequest, which: str
) -> None:
    """ "…is about control, not a six-pack." alone tells a reader what it is not: the next sentence
    says what the control is for."""
    text = answer_text(request, which, "what is core training for runners really about?")
    assert "steady and engaged" in text


@BOTH
def test_a_yes_or_no_ask_about_the_routine_keeps_a_two_part_question_answered(
    request: pytest.FixtureRequest, which: str
) -> None:
    """ "will it make me faster?" has one meaningful word, but its subject is the routine: it is an
    ask of its own, so the part the corpus does not cover ("how many weeks…") does not sink it."""
    answer = request.getfixturevalue(which).answer(
        "will it make me faster? and how many weeks until i feel the difference"
    )
    assert not answer.abstained and "faster miles" in answer.text


@BOTH
@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("what's the diff between crunches and shoulder taps?", ["knees bent and feet flat", "high plank"]),
        (
            "how does the dead bug go? first time trying it",
            ["extend your arms straight up", "hovers just above"],
        ),
    ],
)
def test_a_move_asked_how_it_goes_or_how_it_differs_gets_its_set_up_and_movement(
    request: pytest.FixtureRequest, which: str, question: str, parts: list[str]
) -> None:
    assert_in_order(answer_text(request, which, question), parts)


MISTAKES = ["arch off the floor", "pulling on your neck", "hips rock", "pike up"]


@BOTH
@pytest.mark.parametrize(
    ("question", "parts"),
    [
        # a remark after the question speaks of time ("…spare minutes"): the sentence that asks decides
        (
            "what's the common mistake on each move? keen to nail it, I only get a few spare minutes at lunch",
            MISTAKES,
        ),
        # the moves counted in one sentence, "the 5th one" asked in the next
        ("the write-up talks about five moves but I've only spotted four?? so which is the 5th one", []),
        # "the names of the exercises": each move's set-up, since nothing in particular is asked of it
        (
            "jot down the names of the exercises for me, no detail needed",
            ["extend your arms straight up", "knees bent and feet flat", "high plank", "hands and knees"],
        ),
        ("I'm drawing a poster of form faults, one per move. What goes wrong most often?", MISTAKES),
    ],
)
def test_questions_that_ask_something_of_every_move_quote_every_move(
    request: pytest.FixtureRequest, which: str, question: str, parts: list[str]
) -> None:
    """Each of these asks something of every move, in words the question kinds once missed: every move
    is named, and what is asked of each is quoted."""
    text = answer_text(request, which, question)
    for part in ["Dead bug", "Crunches", "Shoulder taps", "Bear walks", *parts]:
        assert part in text
