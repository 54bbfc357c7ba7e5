"""Answers as the chat page shows them: Markdown with linked `[n]` markers and a sources list.

Readers' words and corpus passages are escaped here, so they always show as text; only the few tags
this module writes itself (citation links, the sources list, the safety callout) are HTML.
"""

from __future__ import annotations

import html
import re

from assistant.answering.answer import Answer, Citation

MARKER = re.compile(r"\[(\d+)\]")
# Characters that start Markdown formatting anywhere in a line, and constructs that only count at
# the start of one (lists, headings, rules). Escaping both keeps text literal without littering it.
INLINE_MARKDOWN = re.compile(r"([\\`*_\[\]#|~$:@])")  # ':' and '@' too: no autolinked URL or email
WWW = re.compile(r"\b(www)\.", re.IGNORECASE)  # "www.site" is autolinked even without a scheme
LINE_START_MARKDOWN = re.compile(r"^(\s*)([-+=>]|\d+[.)])", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Text that renders exactly as written: no HTML, no Markdown formatting."""
    text = html.escape(text, quote=False)
    text = WWW.sub(r"\1\\.", INLINE_MARKDOWN.sub(r"\\\1", text))
    return LINE_START_MARKDOWN.sub(lambda m: m.group(1) + "".join("\\" + c for c in m.group(2)), text)


def one_line(text: str) -> str:
    """Escaped for an HTML block, which must not contain a blank line (Markdown would resume
    there), so line breaks become `<br>`."""
    lines = (" ".join(line.split()) for line in text.strip().splitlines())
    return "<br>".join(html.escape(line, quote=True) for line in lines if line)


def safe_url(url: str | None) -> str | None:
    return url if url and re.match(r"https?://[^\s\"'<>]+$", url) else None


def source_anchor(key: str, n: int) -> str:
    return f"src-{key}-{n}"


def source_label(citation: Citation) -> str:
    """ "Title — Section", or just the title when the passage sits under the document's own heading."""
    if citation.section in ("", citation.title):
        return citation.title
    return f"{citation.title} — {citation.section}"


def linked_answer_text(answer: Answer, key: str) -> str:
    """The answer's words escaped, with each `[n]` that has a citation linked to its source."""
    cited = {c.n for c in answer.citations}
    parts = MARKER.split(answer.text)
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            out.append(escape_markdown(part))
        elif int(part) in cited:
            out.append(
                f'<a class="cite" href="#{source_anchor(key, int(part))}" '
                f'aria-label="source {part}">[{part}]</a>'
            )
        else:
            out.append(escape_markdown(f"[{part}]"))
    return "".join(out)


def marked_text(text: str) -> str:
    """Escaped text that keeps its `[n]` markers as they are (and never lets one become a link)."""
    parts = MARKER.split(text)
    out = [escape_markdown(parts[0])]
    for n, rest in zip(parts[1::2], parts[2::2], strict=True):
        out.append(f"[{n}]" + ("\\" if rest.startswith("(") else "") + escape_markdown(rest))
    return "".join(out)


def sources_html(answer: Answer, key: str, expanded: bool = True) -> str:
    """Each cited passage quoted with its document title and section, and a link when it has one."""
    items = []
    for c in answer.citations:
        url = safe_url(c.url)
        link = f' <a href="{html.escape(url)}">Read the article</a>' if url else ""
        items.append(
            f'<li id="{source_anchor(key, c.n)}" value="{c.n}"><span class="source-where">'
            f"{one_line(source_label(c))}</span><blockquote>{one_line(c.text)}</blockquote>{link}</li>"
        )
    state = " open" if expanded else ""
    summary = f"Sources ({len(items)})"
    return f'<details class="sources"{state}><summary>{summary}</summary><ol>{"".join(items)}</ol></details>'


def chat_markdown(answer: Answer, key: str, note: str | None = None, expanded: bool = True) -> str:
    """An answer as a chat message: safety callout first, the answer, then its sources (collapsed
    in the compact view, where [n] opens them)."""
    blocks = []
    if answer.safety_notice:
        blocks.append(
            '<div class="safety-notice" role="note"><strong>Please see a professional.</strong> '
            f"{one_line(answer.safety_notice)}</div>"
        )
    text = linked_answer_text(answer, key)
    blocks.append(f'<span class="not-covered">{text}</span>' if answer.abstained else text)
    if note:
        blocks.append(f'<div class="chat-note">{one_line(note)}</div>')
    if answer.citations:
        blocks.append(sources_html(answer, key, expanded))
    return "\n\n".join(blocks)


def plain_markdown(answer: Answer, note: str | None = None) -> str:
    """An answer as plain Markdown for API callers: no HTML, sources as a numbered list of quotes."""
    blocks = []
    if answer.safety_notice:
        blocks.append(f"> **Please see a professional.** {escape_markdown(answer.safety_notice)}")
    blocks.append(marked_text(answer.text))
    if note:
        blocks.append(f"*{escape_markdown(note)}*")
    if answer.citations:
        lines = ["**Sources**", ""]
        for c in answer.citations:
            url = safe_url(c.url)
            lines.append(f"{c.n}\\. *{escape_markdown(source_label(c))}*{f' <{url}>' if url else ''}")
            lines.append(f"   > {escape_markdown(' '.join(c.text.split()))}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def notice_markdown(message: str) -> str:
    """A limit or input problem, said plainly in the chat (never a stack trace)."""
    return f'<div class="chat-note" role="status">{one_line(message)}</div>'


def streaming_markdown(text: str) -> str:
    return escape_markdown(text) + " ▍"
