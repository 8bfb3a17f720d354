"""Reading reports: JSON lines, plain text and HTML files, one or many, into :class:`Document` objects.

:func:`read_documents` takes files and directories and yields one :class:`LoadedDocument` per
report -- a document and the problems met reading it. Bad input never stops a batch and nothing is
lost: every JSON line and every file gives exactly one document, an unusable one with empty text
and a problem naming the file and line, so that the output has a line for every input document.

- ``.jsonl`` (also ``.json``, ``.ndjson``): one ``{"id", "text", "published"?}`` per line. A line
  that is not JSON, or lacks ``id`` or ``text``, gives a document with id ``FILE:LINE`` (or its own
  id) and empty text. Blank lines are not documents. ``published`` is ``YYYY-MM-DD`` (a longer ISO
  timestamp is cut to its date); an unreadable one is a problem and is dropped.
- ``.txt`` (and any other suffix): the file is one document, its id the file name without suffix.
- ``.html`` / ``.htm``: the text of ``<article>`` (else ``<main>``, else the whole ``<body>``),
  without ``script``, ``style``, ``nav``, ``header``, ``footer``, ``aside``, ``form`` nor elements whose
  class or id marks them as a byline, share buttons, related stories, a caption or a ticker (unless
  that leaves nothing: then they stay); block elements become line breaks. The ``<title>`` is kept
  as the first line (headlines carry facts), unless the article opens with it. The publication
  date is the page's own: a ``<meta>`` such as ``article:published_time``, ``datePublished`` or
  ``DC.date.issued``, else the first ``<time datetime>``; it resolves "on Tuesday" as
  ``published`` does for JSON lines.
- A directory is read recursively, files in sorted order, skipping hidden files.

Bad input:

- undecodable bytes: UTF-8 is tried first, then UTF-8 with a BOM, then cp1252 (always decodes); a
  fallback is noted as a problem;
- binary files (a NUL byte in the first 8 KiB) and empty files give an empty document and a problem;
- a text longer than :data:`MAX_CHARS` characters is cut there, with a problem (a news report is a
  few thousand characters; a longer text is usually a whole page dump or a concatenation).

A missing path raises :class:`ExtractInputError` before anything is read.

Example:
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.jsonl").write_text('{"id": "r1", "text": "Blast in Quetta"}\\nnot json\\n')
    >>> for loaded in read_documents([folder / "a.jsonl"]):
    ...     print(loaded.document.id, repr(loaded.document.text), loaded.problems)
    r1 'Blast in Quetta' []
    a.jsonl:2 '' ['a.jsonl:2: not a JSON object (Expecting value at column 1); the line is kept as an empty document']
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path

from nigehban.errors import NigehbanError
from nigehban.extract.candidate import Document

__all__ = [
    "JSONL_SUFFIXES",
    "MAX_CHARS",
    "ExtractInputError",
    "LoadedDocument",
    "count_documents",
    "html_to_text",
    "input_files",
    "read_documents",
    "read_jsonl_range",
]

MAX_CHARS = 200_000
"""Texts are cut at this many characters (with a problem note): about 30,000 words, far above a report."""

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json"})
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_BINARY_PROBE = 8192


class ExtractInputError(NigehbanError):
    """The input of an extraction cannot be used at all (a path that does not exist, nothing to read)."""


@dataclasses.dataclass(frozen=True, slots=True)
class LoadedDocument:
    """A document as read, and what went wrong reading it (empty when nothing did)."""

    document: Document
    problems: list[str]


def input_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files to read: the paths given, directories expanded recursively (sorted, hidden files skipped).

    Raises :class:`ExtractInputError` for a path that does not exist or when there is no file at all.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        elif path.is_file():
            files.append(path)
        else:
            raise ExtractInputError(f"{path}: no such file or directory")
    if not files:
        raise ExtractInputError("no input files: " + ", ".join(str(p) for p in paths))
    return files


def count_documents(files: Iterable[Path]) -> int:
    """How many documents :func:`read_documents` will yield (non-blank lines of JSON lines files, 1 per other file)."""
    total = 0
    for path in files:
        if path.suffix.lower() in JSONL_SUFFIXES:
            with path.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
        else:
            total += 1
    return total


def read_documents(paths: Iterable[str | Path]) -> Iterator[LoadedDocument]:
    """Every document of ``paths`` (files or directories), one per JSON line or other file; see the module notes."""
    for path in input_files(paths):
        if path.suffix.lower() in JSONL_SUFFIXES:
            yield from _read_jsonl(path)
        else:
            yield _read_file(path)


# ------------------------------------------------------------------------------------------- decoding


def _decode(raw: bytes, where: str) -> tuple[str, list[str]]:
    """Bytes to text: UTF-8, else UTF-8 with BOM, else cp1252 (noted); BOMs are dropped."""
    try:
        return raw.decode("utf-8").lstrip("\ufeff"), []
    except UnicodeDecodeError as error:
        first = error.start
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, [f"{where}: not valid UTF-8 (byte {first}); read as {encoding}"]
    # cp1252 leaves five bytes undefined: replace them rather than lose the document
    return raw.decode("cp1252", errors="replace"), [
        f"{where}: not valid UTF-8 (byte {first}); read as cp1252 with undecodable bytes replaced"
    ]


def _limit(text: str, where: str, problems: list[str]) -> str:
    if len(text) > MAX_CHARS:
        problems.append(f"{where}: {len(text):,} characters; only the first {MAX_CHARS:,} are read")
        return text[:MAX_CHARS]
    return text


def _published(value: object, where: str, problems: list[str]) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        problems.append(f"{where}: published {value!r} is not a YYYY-MM-DD date; ignored")
        return None


def read_jsonl_range(
    path: Path, *, start: int = 0, end: int | None = None, first_line: int = 1
) -> Iterator[LoadedDocument]:
    """The documents of the JSON lines file ``path`` whose lines begin in bytes ``[start, end)``.

    ``start`` must be the first byte of a line and ``first_line`` its line number (1-based), so that
    ids and problems name the same ``FILE:LINE`` as a reading of the whole file: a partition of a large
    batch (:mod:`nigehban.extract.batch`) reads exactly what :func:`read_documents` would give for it.
    """
    yield from _read_jsonl(path, start=start, end=end, first_line=first_line)


def _read_jsonl(path: Path, *, start: int = 0, end: int | None = None, first_line: int = 1) -> Iterator[LoadedDocument]:
    with path.open("rb") as handle:
        handle.seek(start)
        position, number = start, first_line - 1
        while end is None or position < end:
            raw = handle.readline()
            if not raw:
                break
            position += len(raw)
            number += 1
            if not raw.strip():
                continue
            where = f"{path.name}:{number}"
            source = f"{path}:{number}"
            line, problems = _decode(raw, where)
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                problems.append(
                    f"{where}: not a JSON object ({error.msg} at column {error.colno}); "
                    "the line is kept as an empty document"
                )
                yield LoadedDocument(Document(id=where, text="", source=source), problems)
                continue
            if not isinstance(row, dict):
                problems.append(f"{where}: not a JSON object; the line is kept as an empty document")
                yield LoadedDocument(Document(id=where, text="", source=source), problems)
                continue
            raw_id = row.get("id")
            if raw_id is None or str(raw_id).strip() == "":
                problems.append(f"{where}: no 'id'; the document is called {where!r}")
                doc_id = where
            else:
                doc_id = str(raw_id)
            text = row.get("text")
            if not isinstance(text, str):
                problems.append(f"{where}: no 'text' (or not a string); nothing to extract")
                text = ""
            elif not text.strip():
                problems.append(f"{where}: empty 'text'; nothing to extract")
            text = _limit(text, where, problems)
            published = _published(row.get("published"), where, problems)
            yield LoadedDocument(Document(id=doc_id, text=text, published=published, source=source), problems)


def _read_file(path: Path) -> LoadedDocument:
    where = path.name
    raw = path.read_bytes()
    doc_id = path.stem
    if not raw.strip():
        return LoadedDocument(Document(id=doc_id, text="", source=str(path)), [f"{where}: empty file"])
    if b"\x00" in raw[:_BINARY_PROBE]:
        return LoadedDocument(
            Document(id=doc_id, text="", source=str(path)), [f"{where}: binary file (NUL bytes), not a text report"]
        )
    text, problems = _decode(raw, where)
    published = None
    if path.suffix.lower() in _HTML_SUFFIXES or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        page = _parse_html(text)
        text = page.text
        if not text.strip():
            problems.append(f"{where}: the HTML has no article text")
        if page.published is not None:
            published = _published(page.published, f"{where} (the page's publication date)", problems)
    text = _limit(text, where, problems)
    return LoadedDocument(Document(id=doc_id, text=text, published=published, source=str(path)), problems)


# ----------------------------------------------------------------------------------------------- HTML

_SKIP = frozenset({"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "svg", "template"})
_BLOCK = frozenset(
    {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article", "section", "main", "blockquote"}
)
_VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"})


# Where pages state their publication date: Open Graph / article meta, schema.org, Dublin Core, common CMS names.
_PUBLISHED_META = frozenset(
    {
        "article:published_time",
        "og:published_time",
        "datepublished",
        "date",
        "pubdate",
        "publishdate",
        "publish-date",
        "dc.date",
        "dc.date.issued",
        "dcterms.date",
        "dcterms.issued",
        "sailthru.date",
        "parsely-pub-date",
    }
)


class _TextParser(HTMLParser):
    """Collects text by region: title, article, main, body; skips boilerplate elements; notes the
    publication date a page states (a ``<meta>``, else the first ``<time datetime>``)."""

    def __init__(self, *, skip_by_class: bool = True) -> None:
        super().__init__(convert_charrefs=True)
        self.skip_by_class = skip_by_class
        self.skip_depth = 0
        self.stack: list[str] = []
        self.skipped: list[bool] = []  # per open element: whether it was skipped (by tag or by class)
        self.parts: dict[str, list[str]] = {"title": [], "article": [], "main": [], "body": []}
        self.published_meta: str | None = None
        self.published_time: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        if tag == "meta" and self.published_meta is None:
            key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            if key in _PUBLISHED_META and _ISO_DATE.match(values.get("content", "").strip()):
                self.published_meta = values["content"].strip()
        elif tag == "time" and self.published_time is None and _ISO_DATE.match(values.get("datetime", "").strip()):
            self.published_time = values["datetime"].strip()
        if tag in _VOID:
            if tag == "br":
                self._add("\n")
            return
        self.stack.append(tag)
        skip = tag in _SKIP or (
            self.skip_by_class
            and tag not in _CONTAINERS
            and _names_boilerplate(f"{values.get('class', '')} {values.get('id', '')}")
        )
        self.skipped.append(skip)
        if skip:
            self.skip_depth += 1
        elif tag in _BLOCK:
            self._add("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or tag not in self.stack:
            return
        # close everything opened after ``tag`` too (unclosed <p>, <li> are common)
        while self.stack:
            open_tag = self.stack.pop()
            if self.skipped.pop():
                self.skip_depth -= 1
            if open_tag == tag:
                break
        if tag in _BLOCK:
            self._add("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self._add(data)

    def _add(self, data: str) -> None:
        if "title" in self.stack:
            self.parts["title"].append(data)
            return
        for region in ("article", "main"):
            if region in self.stack:
                self.parts[region].append(data)
        self.parts["body"].append(data)


def _tidy(pieces: list[str]) -> str:
    lines = (re.sub(r"[ \t\r\f\v\xa0]+", " ", line).strip() for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Elements that are not the report, by class or id: the byline ("Our correspondent"), share buttons, related
# stories (other attacks, other tolls), captions, tickers.
# Read by the words of a class or id ("story-byline", "related_stories"), not by substrings ("commentary" stays).
_BOILERPLATE_WORDS = frozenset(
    (  # noqa: SIM905 (a word list reads better as text)
        "byline author authors share sharing social related caption credit credits breadcrumb breadcrumbs comment "
        "comments newsletter advert advertisement ad ads promo ticker breaking trending popular tags subscribe sidebar"
    ).split()
)
# "Two policemen martyred in Bannu attack - Daily News": the site's name after the headline
_SITE_SUFFIX = re.compile(r"\s+[|\-–—]\s+[^|\-–—]{2,60}$")


def _names_boilerplate(classes: str) -> bool:
    return any(word in _BOILERPLATE_WORDS for word in re.split(r"[\s_-]+", classes.lower()) if word)


@dataclasses.dataclass(frozen=True, slots=True)
class _Page:
    text: str
    published: str | None


_CONTAINERS = frozenset({"html", "body", "article", "main"})


def _parse_html(html: str, *, skip_by_class: bool = True) -> _Page:
    parser = _TextParser(skip_by_class=skip_by_class)
    parser.feed(html)
    parser.close()
    title = _tidy(parser.parts["title"])
    body = _tidy(parser.parts["article"]) or _tidy(parser.parts["main"]) or _tidy(parser.parts["body"])
    if not body and skip_by_class:
        return _parse_html(html, skip_by_class=False)  # a class read as boilerplate held the whole report
    headline = _SITE_SUFFIX.sub("", title)
    if title and (body.startswith(title) or (headline and body.startswith(headline))):
        text = body  # the page repeats its title as the article's headline: once is enough
    else:
        text = "\n".join(part for part in (title, body) if part)
    return _Page(text, parser.published_meta or parser.published_time)


def html_to_text(html: str) -> str:
    """The readable text of an HTML page: title, then article (else main, else body) without boilerplate.

    The title is left out where the article opens with it (with or without the site's name after it).

    >>> html_to_text("<html><head><title>Blast kills 3</title><script>x=1</script></head>"
    ...              "<body><nav>Home | World</nav><article><p>Three people were killed.</p></article>"
    ...              "<footer>(c) Paper</footer></body></html>")
    'Blast kills 3\\nThree people were killed.'
    >>> html_to_text("<title>Blast kills 3 | The Paper</title><article><h1>Blast kills 3</h1><p>Three died.</p>")
    'Blast kills 3\\nThree died.'
    """
    return _parse_html(html).text
