"""Drive async code (the web's answer path, the benchmarks' readers) from plain sync code.

Each call gets a fresh event loop in a thread of its own: a caller's thread may already run a loop
(Playwright's sync API leaves one running in the main thread of a test session), and
`asyncio.run` refuses to nest."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterable, Awaitable
from typing import TypeVar

T = TypeVar("T")


def finish(step: Awaitable[T]) -> T:
    """The result of one awaitable (or its exception), on a fresh loop in its own thread."""
    outcome: dict[str, object] = {}

    async def wait() -> T:
        return await step

    def run() -> None:
        try:
            outcome["value"] = asyncio.run(wait())
        except BaseException as error:  # handed back to the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=run, name="testkit-aio")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def collect(events: AsyncIterable[T]) -> list[T]:
    """Everything an async generator yields, run to its end."""

    async def drain() -> list[T]:
        return [event async for event in events]

    return finish(drain())
