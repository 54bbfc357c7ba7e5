"""Many readers and several replicas, in short form: the `concurrency` and `cluster` benchmark
sections at small sizes (the full ones: `python -m benchmarks --sections concurrency cluster`), and
the deployment files they rest on."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.settings import PROJECT_ROOT
from benchmarks.cluster import measure_cluster
from benchmarks.concurrency import measure_concurrency
from testkit.nginx import check_config, nginx_binary
from testkit.pg import find_pg_bin

needs_nginx = pytest.mark.skipif(
    nginx_binary() is None, reason="nginx is not installed (apt-get install nginx)"
)


@needs_nginx
def test_nginx_accepts_the_deployment_config_with_loopback_includes() -> None:
    assert "test is successful" in check_config([7001, 7002])


def test_compose_runs_replicas_behind_nginx_with_postgres_and_trusts_one_proxy() -> None:
    compose = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"app", "nginx", "postgres"}
    app = services["app"]
    assert app["deploy"]["replicas"] >= 2
    assert app["environment"]["ASSISTANT_TRUSTED_PROXIES"] == "1"
    assert app["environment"]["DATABASE_URL"].startswith("postgresql://")
    mounted = {volume.split(":")[1] for volume in services["nginx"]["volumes"]}
    assert "/etc/nginx/nginx.conf" in mounted and "/etc/nginx/assistant-upstream.conf" in mounted


def test_the_image_runs_as_a_user_and_checks_its_health() -> None:
    lines = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    assert next(line for line in lines if line.startswith("FROM")) == "FROM python:3.11-slim"
    assert any(line.startswith("USER ") and "root" not in line for line in lines)
    assert any("HEALTHCHECK" in line for line in lines) and any("/healthz" in line for line in lines)
    assert any("pip install '.[postgres]'" in line for line in lines)


@pytest.mark.slow
def test_async_path_serves_thirty_readers_at_once_where_eight_slots_queue_them() -> None:
    """30 readers, 1 s model answers: eight slots need about four rounds of the model; the async
    path about one. Compared in the same run, so a busy machine slows both alike."""
    result = measure_concurrency(readers=30, rounds=1, model_seconds=1.0)
    fast, slots = result["async"], result["8_slots"]
    assert (fast["answers"], fast["errors"], fast["model_calls"]) == (30, 0, 30), fast
    assert slots["answers"] == 30 and slots["errors"] == 0, slots
    assert fast["latency_s"]["p50"] >= 1.0  # the model's own time is the floor: it was awaited
    assert fast["latency_s"]["p95"] < slots["latency_s"]["p95"], result


@pytest.mark.slow
@needs_nginx
@pytest.mark.skipif(find_pg_bin() is None, reason="PostgreSQL server binaries are not installed")
def test_a_replica_killed_under_load_loses_no_record_and_limits_stay_shared(tmp_path: Path) -> None:
    result = measure_cluster(tmp_path, readers=6, seconds=12.0)
    assert result["cluster_shared_rate_limit"] is True, result["rate_limit"]
    assert result["cluster_records_lost"] == 0 and result["cluster_records_duplicated"] == 0, result["store"]
    assert result["store"]["flushed"] and result["answers"] > 20, result
    assert len(result["replicas_seen_by_nginx"]) == 2  # readers were spread over both replicas
    assert result["readers_saw"]["surviving_replica"]["errors"] == 0, result["readers_saw"]
