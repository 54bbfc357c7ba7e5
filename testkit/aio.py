"""Drive the web's async answer path from plain (sync) tests and benchmarks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, Awaitable
from typing import TypeVar

T = TypeVar("T")


def collect(events: AsyncIterable[T]) -> list[T]:
    """Everything an async generator yields, run to its end on a fresh event loop."""

    async def drain() -> list[T]:
        return [event async for event in events]

    return asyncio.run(drain())


def finish(step: Awaitable[T]) -> T:
    """The result of one coroutine, on a fresh event loop."""

    async def wait() -> T:
        return await step

    return asyncio.run(wait())
