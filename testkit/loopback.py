"""Servers and processes on 127.0.0.1, shared by the tests and the benchmarks: a free port, an ASGI
app served by uvicorn in a thread, and a child process stopped politely and then firmly."""

from __future__ import annotations

import socket
import subprocess
import threading
import time

import uvicorn

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


class LiveServer:
    """An ASGI app (our chat, an echo app, a page pretending to be a blog) served by uvicorn in a
    background thread until `stop()`, so one process can hold several origins at once."""

    def __init__(self, app: object, port: int | None = None, log_level: str = "warning") -> None:
        self.port = port or free_port()
        config = uvicorn.Config(
            app,
            host=LOOPBACK,
            port=self.port,
            log_level=log_level,
            proxy_headers=False,
            timeout_graceful_shutdown=1,  # Gradio's event streams would otherwise hold shutdown
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.origin}/"

    def start(self, timeout: float = 60.0) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"server on port {self.port} did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def stop_process(process: subprocess.Popen, grace_s: float = 15) -> None:
    """SIGTERM, then SIGKILL if it has not exited within `grace_s`."""
    process.terminate()
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
