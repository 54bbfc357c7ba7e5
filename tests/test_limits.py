"""The rate limit, the conversation cap and the daily token budget, on injected clocks (no sleeps)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answer import Answer, Usage
from assistant.answering.inputs import clean_history
from assistant.web.limits import (
    MAX_TRACKED_CLIENTS,
    ConversationTooLong,
    DailyTokenBudget,
    Limits,
    RateLimited,
    RateLimiter,
    client_address,
)
from testkit.isolated import make_settings

DAY = 24 * 3600
NOON = 1_767_268_800.0  # 2026-01-01 12:00 UTC


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def spent(tokens: int) -> Answer:
    return Answer(question="q", text="a", mode="llm", usage=Usage(tokens - tokens // 4, tokens // 4))


def test_a_burst_goes_through_then_the_client_waits_for_the_refill() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=6, burst=3, clock=clock)
    assert [limiter.wait_seconds("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.wait_seconds("a") == pytest.approx(10.0)  # 6 a minute: one every 10 s
    clock.now += 10
    assert limiter.wait_seconds("a") == 0.0
    assert limiter.wait_seconds("a") > 0


def test_clients_have_their_own_buckets() -> None:
    limiter = RateLimiter(per_minute=1, burst=1, clock=Clock())
    assert limiter.wait_seconds("a") == 0.0
    assert limiter.wait_seconds("a") > 0
    assert limiter.wait_seconds("b") == 0.0


def test_refill_never_exceeds_the_burst() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=2, clock=clock)
    limiter.wait_seconds("a")
    clock.now += 3600
    assert [limiter.wait_seconds("a") for _ in range(3)][-1] > 0


def test_idle_clients_are_forgotten_so_memory_stays_bounded() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=1, clock=clock)
    for n in range(MAX_TRACKED_CLIENTS):
        limiter.wait_seconds(f"10.0.{n // 256}.{n % 256}")
    limiter.wait_seconds("busy")
    clock.now += 30  # the early clients' buckets have refilled; "busy" has not
    limiter.wait_seconds("newcomer")
    assert len(limiter.buckets) <= 2
    assert "newcomer" in limiter.buckets


def test_budget_allows_the_model_until_todays_tokens_are_spent() -> None:
    budget = DailyTokenBudget(1000, clock=Clock(NOON))
    assert budget.allows_model()
    budget.spend(spent(600))
    assert budget.allows_model()
    budget.spend(spent(600))
    assert not budget.allows_model()


def test_budget_starts_afresh_at_midnight_utc() -> None:
    clock = Clock(NOON)
    budget = DailyTokenBudget(100, clock=clock)
    budget.spend(spent(500))
    clock.now += DAY / 2 - 1  # 23:59:59
    assert not budget.allows_model()
    clock.now += 1
    assert budget.allows_model() and budget.spent == 0


def test_a_zero_budget_means_no_cap() -> None:
    budget = DailyTokenBudget(0, clock=Clock(NOON))
    budget.spend(spent(10**9))
    assert budget.allows_model()


@pytest.mark.parametrize(
    ("peer", "forwarded", "proxies", "expected"),
    [
        ("10.0.0.1", "203.0.113.7", 0, "10.0.0.1"),  # no proxy: the header is the client's to forge
        ("10.0.0.1", "203.0.113.7", 1, "203.0.113.7"),
        ("10.0.0.1", "6.6.6.6, 203.0.113.7", 1, "203.0.113.7"),  # a forged left entry is ignored
        ("10.0.0.1", "203.0.113.7, 10.0.0.9", 2, "203.0.113.7"),
        ("10.0.0.1", "203.0.113.7", 2, "10.0.0.1"),  # fewer hops than proxies: only the peer is sure
        ("10.0.0.1", None, 1, "10.0.0.1"),
        (None, None, 0, None),
    ],
)
def test_client_address_counts_trusted_proxies_from_the_right(
    peer: str | None, forwarded: str | None, proxies: int, expected: str | None
) -> None:
    assert client_address(peer, forwarded, proxies) == expected


def test_limits_say_how_long_to_wait(tmp_path: Path) -> None:
    clock = Clock()
    limits = Limits(make_settings(tmp_path, rate_limit_per_minute=2, rate_limit_burst=1), clock=clock)
    limits.admit("a")
    with pytest.raises(RateLimited, match="Please wait 30 seconds"):
        limits.admit("a")
    clock.now += 30
    limits.admit("a")


def test_a_long_conversation_is_asked_to_start_afresh(tmp_path: Path) -> None:
    limits = Limits(make_settings(tmp_path, max_conversation_turns=3))
    limits.admit("a", turns_so_far=2)
    with pytest.raises(ConversationTooLong, match="start a new chat"):
        limits.admit("a", turns_so_far=3)


def test_only_the_recent_turns_of_a_long_history_are_read() -> None:
    """A 50,000-turn history (a malformed turn at its start) costs what two turns cost."""
    turns = [42, *({"role": "user", "content": str(n)} for n in range(50_000))]
    assert [t.content for t in clean_history(turns, max_turns=2)] == ["49998", "49999"]
    assert clean_history(turns, max_turns=0) == []


def test_model_answers_only_while_configured_and_within_budget(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path, llm="auto", openai_base_url="http://127.0.0.1:9/v1", daily_llm_token_budget=50
    )
    limits = Limits(settings, wall_clock=Clock(NOON))
    assert limits.use_model()
    limits.record(spent(80))
    assert not limits.use_model()
    assert not Limits(make_settings(tmp_path)).use_model()  # no model configured at all
