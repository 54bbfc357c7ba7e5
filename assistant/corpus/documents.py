"""Load the trusted corpus: Markdown, text and HTML files in one folder, one document each.

A file that cannot be used is reported by name and skipped; it never stops the others loading.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import yaml

from assistant.corpus.questions import SENSES_FILE, QuestionUnit, load_outside_questions, load_questions
from assistant.errors import CorpusError

SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm")
MAX_FILE_BYTES = 2_000_000  # a blog post is a few KB; anything this large is not an article
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.DOTALL)
HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


@dataclass(frozen=True)
class CorpusDocument:
    """One source document. `text` is what citations quote: every passage is a slice of it."""

    doc_id: str
    title: str
    kind: str
    text: str
    body_start: int
    path: Path
    url: str | None = None
    metadata: dict = field(default_factory=dict)
    # Citable lines from the front matter (e.g. the experts box), each verbatim in `text`.
    extras: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CorpusProblem:
    """A file that was skipped, and why, in words an owner can act on."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path.name}: {self.reason}"


@dataclass(frozen=True)
class Corpus:
    documents: tuple[CorpusDocument, ...]
    problems: tuple[CorpusProblem, ...]
    # Questions each passage answers (`questions.yaml`): search text, never quoted.
    questions: tuple[QuestionUnit, ...] = ()
    # Questions readers ask that the corpus does not answer (`out-of-scope.yaml`): never quoted.
    outside: tuple[str, ...] = ()
    # Questions on other things that use the corpus's words in another sense (`other-senses.yaml`):
    # told apart by meaning only, since by words they look like the corpus's own questions.
    other_senses: tuple[str, ...] = ()

    def by_id(self, doc_id: str) -> CorpusDocument | None:
        return next((d for d in self.documents if d.doc_id == doc_id), None)

    def fingerprint(self) -> str:
        """A hash of every document's content and metadata: the index cache key starts here."""
        digest = hashlib.sha256()
        for doc in self.documents:
            digest.update(f"{doc.doc_id}\0{doc.title}\0{doc.kind}\0{doc.url}\0".encode())
            digest.update(doc.text.encode())
        for unit in self.questions:
            digest.update(f"{unit.doc_id}\0{unit.section}\0{unit.starts}\0{unit.questions}".encode())
        for question in self.outside:
            digest.update(f"outside\0{question}".encode())
        for question in self.other_senses:
            digest.update(f"senses\0{question}".encode())
        return digest.hexdigest()


def load_corpus(folder: Path) -> Corpus:
    """Read every supported file in `folder` (not recursive), skipping unusable ones with a reason."""
    if not folder.is_dir():
        raise CorpusError(f"Corpus folder not found: {folder}")
    documents: list[CorpusDocument] = []
    problems: list[CorpusProblem] = []
    seen: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.suffix.lower() not in SUFFIXES or path.is_dir():
            continue
        try:
            document = read_document(path)
        except CorpusFileError as error:
            problems.append(CorpusProblem(path, str(error)))
            continue
        if document.doc_id in seen:
            problems.append(
                CorpusProblem(
                    path, f"duplicate id '{document.doc_id}' (already {seen[document.doc_id].name})"
                )
            )
            continue
        seen[document.doc_id] = path
        documents.append(document)
    if not documents:
        found = "; ".join(str(p) for p in problems) or "no .md, .txt or .html files"
        raise CorpusError(f"No usable documents in {folder}: {found}")
    return Corpus(
        tuple(documents),
        tuple(problems),
        load_questions(folder),
        load_outside_questions(folder),
        load_outside_questions(folder, SENSES_FILE),
    )


class CorpusFileError(ValueError):
    """Why one file was skipped."""


def read_document(path: Path) -> CorpusDocument:
    raw = read_text(path)
    if path.suffix.lower() in (".html", ".htm"):
        return html_document(path, raw)
    return markdown_document(path, raw)


def read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CorpusFileError(f"too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})")
        data = path.read_bytes()
    except OSError as error:
        raise CorpusFileError(f"cannot be read ({error.strerror or error})") from None
    if b"\0" in data:
        raise CorpusFileError("looks binary, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CorpusFileError("is not valid UTF-8 text") from None
    if not text.strip():
        raise CorpusFileError("is empty")
    return text.replace("\r\n", "\n")


def markdown_document(path: Path, raw: str) -> CorpusDocument:
    meta, body_start = front_matter(raw)
    body = raw[body_start:]
    if not body.strip():
        raise CorpusFileError("has front matter but no text")
    heading = HEADING.search(body)
    title = str(meta.get("title") or (heading.group(1) if heading else path.stem))
    return CorpusDocument(
        doc_id=path.stem,
        title=title.strip(),
        kind=str(meta.get("kind", "article")),
        text=raw,
        body_start=body_start,
        path=path,
        url=str(meta["url"]) if meta.get("url") else None,
        metadata=meta,
        extras=citable_extras(raw, meta),
    )


def front_matter(raw: str) -> tuple[dict, int]:
    """Parse YAML front matter; return it and where the body starts."""
    match = FRONT_MATTER.match(raw)
    if not match:
        if raw.startswith("---\n"):
            raise CorpusFileError("front matter starts with '---' but never ends")
        return {}, 0
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        raise CorpusFileError(f"front matter is not valid YAML{where}") from None
    if not isinstance(meta, dict):
        raise CorpusFileError("front matter must be a mapping of keys to values")
    return meta, match.end()


def citable_extras(raw: str, meta: dict) -> tuple[tuple[str, str], ...]:
    """Front-matter lines readers may ask about (the article's experts box), located verbatim."""
    experts = meta.get("experts") or []
    if isinstance(experts, str):
        experts = [experts]
    return tuple(("Experts In This Article", str(e)) for e in experts if isinstance(e, str) and str(e) in raw)


def html_document(path: Path, raw: str) -> CorpusDocument:
    parser = _TextExtractor()
    parser.feed(raw)
    text = parser.markdown()
    if not text.strip():
        raise CorpusFileError("has no readable text")
    heading = HEADING.search(text)
    title = parser.title or (heading.group(1) if heading else path.stem)
    return CorpusDocument(
        doc_id=path.stem, title=title.strip(), kind="article", text=text, body_start=0, path=path
    )


class _TextExtractor(HTMLParser):
    """HTML to plain Markdown-ish text: headings become `#` lines, blocks become paragraphs."""

    BLOCKS: ClassVar[set[str]] = {
        "p",
        "div",
        "li",
        "br",
        "section",
        "article",
        "blockquote",
        "tr",
        "ul",
        "ol",
    }
    SKIP: ClassVar[set[str]] = {"script", "style", "nav", "footer", "header", "noscript", "template", "svg"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif re.fullmatch(r"h[1-6]", tag) or tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data.strip()
        elif not self._skip:
            self.parts.append(re.sub(r"\s+", " ", data))

    def markdown(self) -> str:
        paragraphs = (p.strip() for p in "".join(self.parts).split("\n\n"))
        return "\n\n".join(p for p in paragraphs if p) + "\n"
