"""What keeps a public chat affordable and responsive: a per-client rate limit, a cap on how long a
conversation grows, and a daily budget of model tokens after which answers turn extractive.

The counters here are in memory and per process: a restart forgets the buckets and today's spend,
which errs on the reader's side. Replicas sharing a PostgreSQL share the counters instead
(`assistant.web.shared_limits`). Clocks are injected so tests never sleep.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Protocol

from assistant.answer import Answer
from assistant.errors import AssistantError
from assistant.settings import Settings

Clock = Callable[[], float]
MAX_TRACKED_CLIENTS = 10_000  # past this, idle (full) buckets are forgotten so memory stays bounded


class RateCounter(Protocol):
    """Per-client request buckets: in memory (`RateLimiter`) or shared between replicas."""

    def wait_seconds(self, client: str) -> float: ...


class TokenCounter(Protocol):
    """Today's model-token spend: in memory (`DailyTokenBudget`) or shared between replicas."""

    def allows_model(self) -> bool: ...

    def spend(self, answer: Answer) -> None: ...


class RateLimited(AssistantError):
    """A client asked faster than the rate limit allows; the message says how long to wait, and
    `retry_after_s` too, for a page that counts down."""

    def __init__(self, message: str, retry_after_s: float = 0.0) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class ConversationTooLong(AssistantError):
    """A chat grew past the turn cap; the reader starts a new one."""


@dataclass
class TokenBucket:
    """`capacity` requests at once, refilled at `per_second`: bursts are fine, floods are not."""

    capacity: float
    per_second: float
    tokens: float
    updated: float

    def take(self, now: float) -> float:
        """Spend one token; 0.0 if that worked, else the seconds until one is available."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.per_second

    def is_full(self, now: float) -> bool:
        return self.tokens + (now - self.updated) * self.per_second >= self.capacity


class RateLimiter:
    """One token bucket per client key (an IP address), safe to share between worker threads."""

    def __init__(self, per_minute: float, burst: int, clock: Clock = time.monotonic) -> None:
        self.per_second = per_minute / 60
        self.burst = burst
        self.clock = clock
        self.buckets: dict[str, TokenBucket] = {}
        self.lock = threading.Lock()

    def wait_seconds(self, client: str) -> float:
        """Take a token for `client`: 0.0 when the request may go ahead, else how long to wait."""
        now = self.clock()
        with self.lock:
            bucket = self.buckets.get(client)
            if bucket is None:
                if len(self.buckets) >= MAX_TRACKED_CLIENTS:
                    self.forget_idle(now)
                bucket = self.buckets[client] = TokenBucket(self.burst, self.per_second, self.burst, now)
            return bucket.take(now)

    def forget_idle(self, now: float) -> None:
        """A full bucket is the same as no bucket, so dropping it changes nobody's limit."""
        self.buckets = {key: b for key, b in self.buckets.items() if not b.is_full(now)}


class DailyTokenBudget:
    """Model tokens (prompt + completion, counted with tiktoken in `Answer.usage`) spent per UTC day.

    Concurrent answers may overshoot the budget by the few answers already under way; that is the
    price of never holding a lock across a model call."""

    def __init__(self, tokens_per_day: int, clock: Clock = time.time) -> None:
        self.tokens_per_day = tokens_per_day
        self.clock = clock
        self.day = self.today()
        self.spent = 0
        self.lock = threading.Lock()

    def today(self) -> str:
        return datetime.fromtimestamp(self.clock(), timezone.utc).date().isoformat()

    def allows_model(self) -> bool:
        """Whether the next answer may use the model; 0 tokens a day means no cap."""
        if not self.tokens_per_day:
            return True
        with self.lock:
            self.roll_over()
            return self.spent < self.tokens_per_day

    def spend(self, answer: Answer) -> None:
        with self.lock:
            self.roll_over()
            self.spent += answer.usage.prompt_tokens + answer.usage.completion_tokens

    def roll_over(self) -> None:
        day = self.today()
        if day != self.day:
            self.day, self.spent = day, 0


def client_address(peer: str | None, forwarded_for: str | None, trusted_proxies: int) -> str | None:
    """The reader's IP. Each of our `trusted_proxies` appends the address it saw to X-Forwarded-For,
    so the client is the entry that many places from the right; anything further left is whatever
    the client chose to send and is ignored. Without enough entries, the peer is all we know."""
    if not trusted_proxies or not forwarded_for:
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    return hops[-trusted_proxies] if len(hops) >= trusted_proxies else peer


class Limits:
    """The checks a web request goes through before the assistant sees it, built from settings.
    The counters are this process's own unless shared ones are passed in."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
        *,
        rate: RateCounter | None = None,
        budget: TokenCounter | None = None,
    ) -> None:
        self.settings = settings
        # Counters passed in live in a database (web/shared_limits.py), so a check may wait on it;
        # this process's own answer at once.
        self.blocking = rate is not None or budget is not None
        self.rate = rate or RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst, clock)
        self.budget = budget or DailyTokenBudget(settings.daily_llm_token_budget, wall_clock)

    def admit(self, client: str | None, turns_so_far: int = 0) -> None:
        """Raise `RateLimited` or `ConversationTooLong` with a message for the reader."""
        if turns_so_far >= self.settings.max_conversation_turns:
            raise ConversationTooLong(
                "This conversation has grown long. Please start a new chat to ask more questions."
            )
        wait = self.rate.wait_seconds(client or "unknown")
        if wait > 0:
            raise RateLimited(
                f"You're asking faster than I can keep up with. Please wait {max(1, round(wait))} "
                "seconds and ask again.",
                wait,
            )

    def use_model(self) -> bool:
        return self.settings.llm_enabled() and self.budget.allows_model()

    def record(self, answer: Answer) -> None:
        """Count what an answer spent (an extractive fallback may still have spent prompt tokens)."""
        self.budget.spend(answer)
