"""The rate limit and the daily token budget kept in PostgreSQL, so replicas behind a load balancer
enforce one limit between them (a reader does not get N times the questions, nor the owner N times
the bill) and a restart forgets nothing.

Each check is one atomic statement: an upsert that refills, takes and reports in the row's own
lock, so two replicas racing for a reader's last token cannot both get it. Time is the replicas'
wall clock (keep them on NTP); a clock running behind never refills a bucket twice.

These tables hold counters, not records: nothing in them outlives a few minutes (buckets) or a
day (spend) in meaning, so a change of shape may drop and recreate them. When PostgreSQL cannot be
reached, each process falls back to its own in-memory counters (with a warning) until it is back:
readers keep being answered, under per-replica limits for that while.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TypeVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    text,
)
from sqlalchemy.exc import SQLAlchemyError

from assistant.answer import Answer
from assistant.errors import ConfigError
from assistant.questionlog.database import postgres_url
from assistant.settings import Settings
from assistant.web.limits import Clock, DailyTokenBudget, Limits, RateLimiter

log = logging.getLogger(__name__)
T = TypeVar("T")
# A check is one short statement, so a few connections serve thousands a second; the pool stays
# small because every replica also holds the question log's connections.
POOL_SIZE, POOL_OVERFLOW, POOL_TIMEOUT_S, CONNECT_TIMEOUT_S = 4, 4, 5, 3
SWEEP_EVERY_S = 60.0  # how often a replica deletes full buckets (a full bucket is no bucket)
WARN_EVERY_S = 60.0
SCHEMA_LOCK = 7_364_221  # pg_advisory_xact_lock key: replicas starting together create tables once

metadata = MetaData()
rate_buckets = Table(
    "assistant_rate_buckets",
    metadata,
    Column("client", String(64), primary_key=True),  # keyed hash of the reader's address
    Column("tokens", Float, nullable=False),
    Column("updated", Float, nullable=False),  # seconds since the epoch
    Column("granted", Boolean, nullable=False),  # whether the last request took a token
)
token_spend = Table(
    "assistant_token_spend",
    metadata,
    Column("day", String(10), primary_key=True),  # UTC date, ISO format
    Column("tokens", BigInteger, nullable=False),
)
hash_key = Table(
    "assistant_limits_key",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(64), nullable=False),
)

# Refill by the time since the last request, then take one token if a whole one is there.
TAKE = text(
    """
    INSERT INTO assistant_rate_buckets AS b (client, tokens, updated, granted)
    VALUES (:client, :burst - 1, :now, true)
    ON CONFLICT (client) DO UPDATE SET
        tokens = LEAST(:burst, b.tokens + GREATEST(:now - b.updated, 0) * :rate)
            - CASE WHEN LEAST(:burst, b.tokens + GREATEST(:now - b.updated, 0) * :rate) >= 1
                   THEN 1 ELSE 0 END,
        updated = GREATEST(b.updated, :now),
        granted = LEAST(:burst, b.tokens + GREATEST(:now - b.updated, 0) * :rate) >= 1
    RETURNING tokens, granted
    """
)
SWEEP = text(
    "DELETE FROM assistant_rate_buckets WHERE tokens + GREATEST(:now - updated, 0) * :rate >= :burst"
)
SPEND = text(
    """
    INSERT INTO assistant_token_spend AS s (day, tokens) VALUES (:day, :tokens)
    ON CONFLICT (day) DO UPDATE SET tokens = s.tokens + EXCLUDED.tokens
    """
)
SPENT = text("SELECT tokens FROM assistant_token_spend WHERE day = :day")


class SharedTables:
    """The engine and schema both shared counters use, and the fallback when the database is away."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.ready = False
        self.key = b""
        self.lock = threading.Lock()
        self.last_warning = 0.0

    def run(self, work: Callable[[Connection], T], fallback: Callable[[], T]) -> T:
        """`work` in one transaction, or `fallback` (with a warning now and then) when it fails."""
        try:
            self.prepare()
            with self.engine.begin() as connection:
                return work(connection)
        except SQLAlchemyError as error:
            self.warn(error)
            return fallback()

    def prepare(self) -> None:
        """Create the tables and the hashing key once (under an advisory lock, so replicas starting
        together do not race), retried on each use until the database answers."""
        if self.ready:
            return
        with self.lock, self.engine.begin() as connection:
            if self.ready:
                return
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
            metadata.create_all(connection, checkfirst=True)
            connection.execute(
                text("INSERT INTO assistant_limits_key (id, key) VALUES (1, :key) ON CONFLICT DO NOTHING"),
                {"key": secrets.token_hex(32)},
            )
            self.key = bytes.fromhex(
                connection.execute(text("SELECT key FROM assistant_limits_key")).scalar_one()
            )
            self.ready = True

    def client_key(self, client: str) -> str:
        """Readers' addresses are stored only as a keyed hash (the key lives in the database, so
        every replica computes the same one)."""
        return hmac.new(self.key, client.encode(), hashlib.sha256).hexdigest()

    def warn(self, error: SQLAlchemyError) -> None:
        now = time.monotonic()
        if now - self.last_warning >= WARN_EVERY_S or not self.last_warning:
            self.last_warning = now
            log.warning(
                "Shared limits unavailable (%s); this process counts on its own until PostgreSQL is back",
                type(error).__name__,
            )


class SharedRateLimiter:
    """`RateLimiter` with its buckets in PostgreSQL: the same refill and burst, one bucket per
    reader across every replica."""

    def __init__(
        self, tables: SharedTables, per_minute: float, burst: int, clock: Clock, fallback: RateLimiter
    ) -> None:
        self.tables = tables
        self.per_second = per_minute / 60
        self.burst = burst
        self.clock = clock
        self.fallback = fallback
        self.next_sweep = 0.0

    def wait_seconds(self, client: str) -> float:
        """Take a token for `client`: 0.0 when the request may go ahead, else how long to wait."""
        return self.tables.run(
            lambda conn: self.take(conn, client), lambda: self.fallback.wait_seconds(client)
        )

    def take(self, connection: Connection, client: str) -> float:
        now = self.clock()
        params = {"now": now, "rate": self.per_second, "burst": self.burst}
        if now >= self.next_sweep:
            self.next_sweep = now + SWEEP_EVERY_S
            connection.execute(SWEEP, params)
        tokens, granted = connection.execute(TAKE, {**params, "client": self.tables.client_key(client)}).one()
        return 0.0 if granted else (1 - tokens) / self.per_second


class SharedTokenBudget:
    """`DailyTokenBudget` with the day's spend in PostgreSQL, summed over every replica. As with
    the in-memory one, answers already under way may overshoot it a little."""

    def __init__(
        self, tables: SharedTables, tokens_per_day: int, clock: Clock, fallback: DailyTokenBudget
    ) -> None:
        self.tables = tables
        self.tokens_per_day = tokens_per_day
        self.clock = clock
        self.fallback = fallback

    def today(self) -> str:
        return datetime.fromtimestamp(self.clock(), timezone.utc).date().isoformat()

    def allows_model(self) -> bool:
        """Whether the next answer may use the model; 0 tokens a day means no cap."""
        if not self.tokens_per_day:
            return True
        return self.tables.run(
            lambda conn: (conn.execute(SPENT, {"day": self.today()}).scalar() or 0) < self.tokens_per_day,
            self.fallback.allows_model,
        )

    def spend(self, answer: Answer) -> None:
        tokens = answer.usage.prompt_tokens + answer.usage.completion_tokens
        if tokens:
            self.tables.run(
                lambda conn: conn.execute(SPEND, {"day": self.today(), "tokens": tokens}),
                lambda: self.fallback.spend(answer),
            )


def open_limits(settings: Settings, wall_clock: Clock = time.time) -> Limits:
    """The web's limits: shared in PostgreSQL when DATABASE_URL names one, else this process's own
    (the single-process default with SQLite). Raises ConfigError when psycopg is missing."""
    url = postgres_url(settings.database_url)
    if url is None:
        return Limits(settings)
    try:
        engine = create_engine(
            url,
            pool_pre_ping=True,
            pool_size=POOL_SIZE,
            max_overflow=POOL_OVERFLOW,
            pool_timeout=POOL_TIMEOUT_S,
            connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
        )
    except ImportError:
        raise ConfigError(
            "DATABASE_URL is PostgreSQL but psycopg 3 is not installed: pip install '.[postgres]'"
        ) from None
    tables = SharedTables(engine)
    per_minute, burst = settings.rate_limit_per_minute, settings.rate_limit_burst
    rate = SharedRateLimiter(tables, per_minute, burst, wall_clock, RateLimiter(per_minute, burst))
    budget = SharedTokenBudget(
        tables,
        settings.daily_llm_token_budget,
        wall_clock,
        DailyTokenBudget(settings.daily_llm_token_budget, wall_clock),
    )
    return Limits(settings, rate=rate, budget=budget)
