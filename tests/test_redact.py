"""Contact details come out of readers' words; what runners write about training stays."""

from __future__ import annotations

import pytest

from assistant.questionlog.redact import redact


@pytest.mark.parametrize(
    "written,kept",
    [
        ("Email me at jane.doe+runs@example.co.uk please", "Email me at [email] please"),
        ("call +1 (555) 123-4567 or 555-123-4567.", "call [phone] or [phone]."),
        ("UK 020 7946 0958, mobile 07700 900123", "UK [phone], mobile [phone]"),
        ("+49 30 123456 or 06 12 34 56 78 or 5551234567", "[phone] or [phone] or [phone]"),
        ("I live at 42 Elm Street, Springfield, IL 62704 now", "I live at [address] now"),
        ("7b Old Mill Lane, Apt 4 near SW1A 1AA", "[address] near [address]"),
        ("my address is 12 oak avenue.", "my address is [address]."),
        ("Hello, my name is Jane Doe and my hip hurts", "Hello, my name is [name] and my hip hurts"),
    ],
)
def test_contact_details_are_replaced_by_what_they_were(written: str, kept: str) -> None:
    assert redact(written) == kept


@pytest.mark.parametrize(
    "written",
    [
        "Hold it for 30 seconds, 3 sets of 10, then a 90-degree wall sit.",
        "I ran a 5K and a 10K, 15 to 20 minutes of core after, at 6:30 am.",
        "I'm 52 years old, pace 4:45/km, marathon in 3:59:59, half in 1:45:30.",
        "Since 2019-2024 I log 10000 steps, 1 000 000 a year; 200-400-800 m repeats.",
        "Race on 2024-05-12 or 12.05.2024, 42.195 km or 26.2 miles, HR 140-150 bpm.",
        "I run 5 miles down the road, 3x10 reps, 2 x 30 s, VO2 max 55, 120/80 blood pressure.",
        "See https://example.com/plan?week=1234567&day=2 for the plan.",
        "I'm flat out on Sunday at the park way past 7.",
    ],
)
def test_what_runners_write_about_training_is_left_alone(written: str) -> None:
    assert redact(written) == written


def test_redacting_a_long_question_is_fast() -> None:
    import time

    text = ("Why does my back ache 555 123 after 12 Long Runs? 🏃 1:45 " * 500)[:20_000]
    started = time.perf_counter()
    redact(text)
    assert time.perf_counter() - started < 0.5
