"""The terminal view of an `Answer`, with rich."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel

from assistant.answer import Answer


def print_answer(answer: Answer, console: Console | None = None) -> None:
    console = console or Console()
    if answer.safety_notice:
        console.print(Panel(answer.safety_notice, title="Please see a professional", border_style="red"))
    console.print(answer.text, markup=False, highlight=False)
    for citation in answer.citations:
        where = (
            f"{citation.title} — {citation.section}" if citation.section != citation.title else citation.title
        )
        console.print(f"\n[bold][{citation.n}][/bold] {escape(where)}", highlight=False)
        console.print(f"    “{citation.text}”", markup=False, highlight=False, style="dim")
        if citation.url:
            console.print(f"    {citation.url}", markup=False)
    spent = (
        f", {answer.usage.prompt_tokens}+{answer.usage.completion_tokens} tokens"
        if answer.usage.prompt_tokens
        else ""
    )
    fallback = f", fell back: {answer.fallback_reason}" if answer.fallback_reason else ""
    total = answer.timings_ms.get("total_ms", 0)
    console.print(f"\n[dim]{answer.mode} mode, {total:.0f} ms{spent}{fallback}[/dim]", highlight=False)


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(text)
