"""Limits shared in PostgreSQL: replicas (here, two `Limits` on one database) enforce one rate
limit and one token budget between them, a restart forgets neither, and a database that is away
leaves each process its own limits rather than refusing readers."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from assistant.answer import Answer, Usage
from assistant.web.limits import Limits, RateLimited
from assistant.web.shared_limits import open_limits, postgres_url
from testkit.fake_openai import closed_port_url
from testkit.isolated import make_settings
from testkit.pg import PostgresServer, postgres_server  # noqa: F401  (fixture)

NOON = 1_767_268_800.0  # 2026-01-01 12:00 UTC


class Clock:
    """One wall clock both replicas read, moved by hand."""

    def __init__(self, now: float = NOON) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def replicas(
    tmp_path: Path, database_url: str, clock: Clock, n: int = 2, **overrides: object
) -> list[Limits]:
    settings = make_settings(tmp_path, database_url=database_url, **overrides)
    return [open_limits(settings, wall_clock=clock) for _ in range(n)]


def admitted(limits: Limits, client: str) -> bool:
    try:
        limits.admit(client)
    except RateLimited:
        return False
    return True


def spent(tokens: int) -> Answer:
    return Answer(question="q", text="a", mode="llm", usage=Usage(tokens - tokens // 4, tokens // 4))


def test_sqlite_or_no_database_keeps_the_limits_in_this_process(tmp_path: Path) -> None:
    assert postgres_url(None) is None and postgres_url("sqlite:///x.db") is None
    assert postgres_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    limits = open_limits(make_settings(tmp_path))
    assert type(limits.rate).__name__ == "RateLimiter"


@pytest.mark.slow
def test_a_reader_spread_over_two_replicas_gets_one_burst_not_two(
    tmp_path: Path,
    postgres_server: PostgresServer,  # noqa: F811
) -> None:
    clock = Clock()
    first, second = replicas(
        tmp_path, postgres_server.create_database(), clock, rate_limit_burst=3, rate_limit_per_minute=6
    )
    asked = [admitted(replica, "203.0.113.7") for replica in (first, second) * 3]
    assert asked == [True, True, True, False, False, False]
    assert admitted(second, "198.51.100.1")  # another reader has a bucket of their own
    clock.now += 10  # 6 a minute: one question every 10 s, on whichever replica
    assert admitted(first, "203.0.113.7") and not admitted(second, "203.0.113.7")


@pytest.mark.slow
def test_racing_replicas_never_hand_out_more_than_the_burst(
    tmp_path: Path,
    postgres_server: PostgresServer,  # noqa: F811
) -> None:
    limits = replicas(tmp_path, postgres_server.create_database(), Clock(), n=4, rate_limit_burst=10)
    granted: list[bool] = []
    lock = threading.Lock()

    def ask(replica: Limits) -> None:
        for _ in range(10):
            ok = admitted(replica, "203.0.113.7")
            with lock:
                granted.append(ok)

    threads = [threading.Thread(target=ask, args=(replica,)) for replica in limits]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(granted) == 40 and sum(granted) == 10


@pytest.mark.slow
def test_the_token_budget_is_summed_over_replicas_and_survives_a_restart(
    tmp_path: Path,
    postgres_server: PostgresServer,  # noqa: F811
) -> None:
    url, clock = postgres_server.create_database(), Clock()
    overrides = {"daily_llm_token_budget": 1_000, "openai_base_url": "http://127.0.0.1:9/v1", "llm": "auto"}
    first, second = replicas(tmp_path, url, clock, **overrides)
    first.record(spent(600))
    assert first.use_model() and second.use_model()
    second.record(spent(600))
    assert not first.use_model() and not second.use_model()
    [restarted] = replicas(tmp_path, url, clock, n=1, **overrides)
    assert not restarted.use_model()
    clock.now += 12 * 3600  # a new UTC day
    assert restarted.use_model()


@pytest.mark.slow
def test_bucket_survives_a_restart_and_keeps_no_address_in_clear(
    tmp_path: Path,
    postgres_server: PostgresServer,  # noqa: F811
) -> None:
    url, clock = postgres_server.create_database(), Clock()
    [before] = replicas(tmp_path, url, clock, n=1, rate_limit_burst=1)
    assert admitted(before, "203.0.113.7")
    [after] = replicas(tmp_path, url, clock, n=1, rate_limit_burst=1)
    assert not admitted(after, "203.0.113.7")
    engine = create_engine(postgres_url(url) or "")
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT client FROM assistant_rate_buckets")).scalars().all()
    engine.dispose()
    assert len(stored) == 1 and "203.0.113" not in stored[0]


def test_an_unreachable_database_leaves_each_process_its_own_limits(tmp_path: Path) -> None:
    url = closed_port_url().replace("http://", "postgresql://postgres@").replace("/v1", "/none")
    [limits] = replicas(tmp_path, url, Clock(), n=1, rate_limit_burst=2)
    assert [admitted(limits, "203.0.113.7") for _ in range(3)] == [True, True, False]
