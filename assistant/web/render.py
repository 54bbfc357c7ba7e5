"""Answers as the web shows them.

The chat renders each message as one HTML block built here with `html.escape` and nothing else:
a block with no blank line is passed through by the chat's Markdown renderer untouched, so readers'
words and corpus passages need no Markdown escaping and cannot turn into formatting, links or tags.
The API's plain Markdown (`plain_markdown`) is the one place that escapes Markdown.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import quote

from assistant.answer import Answer, Citation
from assistant.answering.citations import MARKER, marker_numbers
from assistant.text.sentences import Sentence, split_sentences

WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
# Characters that start Markdown formatting anywhere in a line, and constructs that only count at
# the start of one (lists, headings, rules). Escaping both keeps text literal without littering it.
INLINE_MARKDOWN = re.compile(r"([\\`*_\[\]#|~$:@])")  # ':' and '@' too: no autolinked URL or email
WWW = re.compile(r"\b(www)\.", re.IGNORECASE)  # "www.site" is autolinked even without a scheme
LINE_START_MARKDOWN = re.compile(r"^(\s*)([-+=>]|\d+[.)])", re.MULTILINE)
MARKDOWN_SYNTAX = re.compile(r"[*_`#>]+")  # dropped from text-fragment words: the page shows no such marks
FRAGMENT_EDGE_WORDS = 5  # a text fragment names a long sentence by its first and last few words
TYPING_LABEL = "The coach is writing an answer"


@dataclass(frozen=True)
class Quote:
    """The part of a cited passage an answer rests on: `before` and `after` are cut to an ellipsis
    when there is more, `cited` is shown marked."""

    cited: str
    before: bool
    after: bool


def text(words: str) -> str:
    """Reader or corpus text as HTML: escaped, whitespace folded, line breaks kept as `<br>`.
    Never a newline, so the message stays one HTML block."""
    lines = (" ".join(line.split()) for line in words.strip().splitlines())
    return "<br>".join(html.escape(line, quote=True) for line in lines if line)


def inline_text(words: str) -> str:
    """`text`, keeping one space where `words` began or ended with some (beside a marker)."""
    lead = " " if words[:1].isspace() else ""
    trail = " " if words[-1:].isspace() and words.strip() else ""
    return lead + text(words) + trail


def escape_markdown(words: str) -> str:
    """Text that renders exactly as written in Markdown: no HTML, no formatting (API answers)."""
    words = html.escape(words, quote=False)
    words = WWW.sub(r"\1\\.", INLINE_MARKDOWN.sub(r"\\\1", words))
    return LINE_START_MARKDOWN.sub(lambda m: m.group(1) + "".join("\\" + c for c in m.group(2)), words)


def safe_url(url: str | None, site_root: str = "") -> str | None:
    """An http(s) address, or a path on this server (front matter `url: /demo/`) under `site_root`."""
    if not url or re.search(r"[\s\"'<>\\]", url):
        return None
    if re.match(r"https?://", url):
        return url
    return site_root.rstrip("/") + url if url.startswith("/") and not url.startswith("//") else None


def source_anchor(key: str, n: int) -> str:
    return f"src-{key}-{n}"


def source_label(citation: Citation) -> str:
    """ "Title — Section", or just the title when the passage sits under the document's own heading."""
    if citation.section in ("", citation.title):
        return citation.title
    return f"{citation.title} — {citation.section}"


def words_of(sentence: str) -> set[str]:
    return set(WORD.findall(sentence.lower()))


def citing_sentences(answer: Answer, n: int) -> list[str]:
    """The answer's sentences that `[n]` stands for: all those since the marker before it (an
    extractive answer quotes a few sentences of one passage and cites them once, at the end)."""
    parts = MARKER.split(answer.text)  # text, n, text, n, ..., text
    said, segment = [], ""
    for i in range(1, len(parts), 2):
        segment = parts[i - 1] if parts[i - 1].strip() else segment  # "[1][2]" share the text before
        if n in marker_numbers(parts[i]):
            said += [sentence.text for sentence in split_sentences(segment)]
    return said


def cited_span(answer: Answer, citation: Citation) -> list[Sentence]:
    """The passage's sentences the answer rests on: for each answer sentence citing it, the passage
    sentence sharing most of its words (extractive answers quote it verbatim; a model paraphrases).
    Returned as the run from the first to the last, in passage order."""
    sentences = split_sentences(citation.text)
    chosen: set[int] = set()
    for said in citing_sentences(answer, citation.n):
        said_words = words_of(said)
        overlap = [len(said_words & words_of(s.text)) / (len(words_of(s.text)) or 1) for s in sentences]
        if overlap and max(overlap) > 0:
            chosen.add(overlap.index(max(overlap)))
    if not chosen:
        return sentences[:1]
    return sentences[min(chosen) : max(chosen) + 1]


def quote_of(answer: Answer, citation: Citation) -> Quote:
    span = cited_span(answer, citation)
    if not span:
        return Quote(citation.text.strip(), False, False)
    start, end = span[0].start, span[-1].start + len(span[-1].text)
    return Quote(
        citation.text[start:end], bool(citation.text[:start].strip()), bool(citation.text[end:].strip())
    )


def fragment_term(words: list[str]) -> str:
    # '-', ',' and '&' separate a text directive's parts, so they are percent-encoded in a term.
    return quote(" ".join(words), safe="").replace("-", "%2D")


def text_fragment(cited: str) -> str:
    """A URL text fragment (`#:~:text=start,end`) that makes a browser scroll to the cited words and
    highlight them: the whole sentence when short, else its first and last few words."""
    words = MARKDOWN_SYNTAX.sub("", MARKER.sub("", cited)).split()
    if len(words) <= 2 * FRAGMENT_EDGE_WORDS:
        return "#:~:text=" + fragment_term(words)
    return (
        f"#:~:text={fragment_term(words[:FRAGMENT_EDGE_WORDS])},{fragment_term(words[-FRAGMENT_EDGE_WORDS:])}"
    )


def source_card(answer: Answer, citation: Citation, key: str, site_root: str) -> str:
    """One source: title and section, a short quote with the cited words marked, and a link that
    opens the document at them."""
    quote_ = quote_of(answer, citation)
    shown = (
        ("… " if quote_.before else "")
        + f"<mark>{text(quote_.cited)}</mark>"
        + (" …" if quote_.after else "")
    )
    section = "" if citation.section in ("", citation.title) else citation.section
    url = safe_url(citation.url, site_root)
    link = (
        f'<a class="source-link" href="{html.escape(url + text_fragment(quote_.cited), quote=True)}" '
        f'target="_blank" rel="noopener">Open in the article</a>'
        if url
        else ""
    )
    return (
        f'<li id="{source_anchor(key, citation.n)}" value="{citation.n}" class="source-card">'
        f'<span class="source-title">{text(citation.title)}</span>'
        + (f'<span class="source-section">{text(section)}</span>' if section else "")
        + f"<blockquote>{shown}</blockquote>{link}</li>"
    )


def sources_html(answer: Answer, key: str, site_root: str = "") -> str:
    """The cited passages as compact cards, folded until the reader opens them or clicks an `[n]`."""
    cards = "".join(source_card(answer, c, key, site_root) for c in answer.citations)
    return (
        f'<details class="sources"><summary>Sources ({len(answer.citations)})</summary>'
        f'<ol class="source-cards">{cards}</ol></details>'
    )


def linked_answer_text(answer: Answer, key: str) -> str:
    """The answer's words escaped, with each `[n]` that has a citation linked to its source card."""
    cited = {c.n for c in answer.citations}
    parts = MARKER.split(answer.text)
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            out.append(inline_text(part))
        else:
            out += [
                f'<a class="cite" href="#{source_anchor(key, n)}" aria-label="source {n}">[{n}]</a>'
                if n in cited
                else f"[{n}]"
                for n in marker_numbers(part)
            ]
    return "".join(out)


def answer_html(answer: Answer, key: str, note: str | None = None, site_root: str = "") -> str:
    """An answer as a chat message: safety callout first, the answer, a note, then its sources."""
    blocks = []
    if answer.safety_notice:
        blocks.append(
            '<div class="safety-notice" role="note"><strong>Please see a professional.</strong> '
            f"{text(answer.safety_notice)}</div>"
        )
    kind = "answer not-covered" if answer.abstained else "answer"
    blocks.append(f'<p class="{kind}">{linked_answer_text(answer, key)}</p>')
    if note:
        blocks.append(f'<p class="chat-note">{text(note)}</p>')
    if answer.citations:
        blocks.append(sources_html(answer, key, site_root))
    return f'<div class="reply">{"".join(blocks)}</div>'


def question_html(question: str) -> str:
    """The reader's own words, exactly as typed."""
    return f'<div class="asked">{text(question)}</div>'


def notice_html(message: str, retry_after_s: float = 0) -> str:
    """A limit or input problem, said plainly in the chat (never a stack trace); with a wait, a
    countdown the page ticks down (static/chat.js)."""
    countdown = (
        f' <span class="countdown" data-seconds="{max(1, round(retry_after_s))}"></span>'
        if retry_after_s
        else ""
    )
    return f'<div class="chat-note" role="status">{text(message)}{countdown}</div>'


def typing_html() -> str:
    """The placeholder while an answer is on its way: three dots the page animates."""
    return (
        f'<div class="typing" role="img" aria-label="{TYPING_LABEL}">'
        "<span></span><span></span><span></span></div>"
    )


def streaming_html(written: str) -> str:
    """A model's answer as it is written, with a caret that marks it unfinished."""
    return (
        f'<div class="reply streaming"><p class="answer">{text(written)}<span class="caret"></span></p></div>'
    )


def marked_text(words: str) -> str:
    """Escaped Markdown that keeps its `[n]` markers as they are (and never lets one become a link)."""
    parts = MARKER.split(words)
    out = [escape_markdown(parts[0])]
    for n, rest in zip(parts[1::2], parts[2::2], strict=True):
        out.append(f"[{n}]" + ("\\" if rest.startswith("(") else "") + escape_markdown(rest))
    return "".join(out)


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
            url = safe_url(c.url) if c.url and not c.url.startswith("/") else None  # no path: no page
            lines.append(f"{c.n}\\. *{escape_markdown(source_label(c))}*{f' <{url}>' if url else ''}")
            lines.append(f"   > {escape_markdown(' '.join(c.text.split()))}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
