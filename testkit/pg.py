"""A real PostgreSQL for the store tests: Debian's server binaries, a throwaway cluster on loopback.

`initdb` refuses to run as root, so as root the cluster belongs to the `postgres` user and its
commands run through `runuser`. Tests skip only when the server binaries are not installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from testkit.loopback import free_port

PG_ROOT = Path("/usr/lib/postgresql")
PREFERRED_VERSION = "15"


def find_pg_bin() -> Path | None:
    """The server's bin folder (version 15 if installed, else the newest), or None."""
    preferred = PG_ROOT / PREFERRED_VERSION / "bin"
    if (preferred / "pg_ctl").exists():
        return preferred
    found = sorted(PG_ROOT.glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name), reverse=True)
    return found[0].parent if found else None


class PostgresServer:
    """One cluster: `start`/`stop` may be called repeatedly (the port stays the same)."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="assistant-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self.run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"
        )

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        # fsync off: these tests are about the app's durability, not the server's.
        options = f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c max_connections=60"
        self.run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", options, "-w", "start"
        )

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def is_running(self) -> bool:
        status = self.command("pg_ctl", "-D", str(self.data), "status")
        return subprocess.run(status, capture_output=True).returncode == 0

    def create_database(self) -> str:
        """A fresh, empty database on this server; returns its URL."""
        from sqlalchemy import create_engine, text

        name = f"test_{uuid.uuid4().hex[:12]}"
        engine = create_engine(
            self.admin_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
        )
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url(name)

    def destroy(self) -> None:
        if self.is_running():
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def command(self, program: str, *args: str) -> list[str]:
        argv = [str(self.bin_dir / program), *args]
        return ["runuser", "-u", "postgres", "--", *argv] if self.as_root else argv

    def run(self, program: str, *args: str) -> None:
        done = subprocess.run(self.command(program, *args), capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr.strip()}\n{tail}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A running PostgreSQL 15 on 127.0.0.1 for the whole session, stopped and removed at the end."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        pytest.skip(f"PostgreSQL server binaries not found under {PG_ROOT} (apt-get install postgresql)")
    pytest.importorskip("psycopg", reason="psycopg 3 is not installed (pip install -e '.[dev]')")
    server = PostgresServer(bin_dir)
    try:
        server.start()
        yield server
    finally:
        server.destroy()
