"""The extraction pipeline: a document in, an :class:`Extraction` out (incidents, mentions, problems).

:class:`Extractor` runs, for each document:

1. :func:`~nigehban.extract.segment.segment`: the report's incidents and the earlier attacks it
   only recalls (masks of the text, so evidence spans stay spans of the document);
2. for each incident: the date (:mod:`~nigehban.extract.dates`, against ``published``), the place
   (:mod:`~nigehban.extract.places`, through the resolver), casualties
   (:mod:`~nigehban.extract.casualties`) and, when :mod:`nigehban.extract.classify` is importable,
   attack, target and weapon type, suicide and perpetrator; a later incident without a date of
   its own takes the document's first date (a round-up reports one day) with lower confidence;
3. for each recalled attack: a candidate with the place and date found in its phrase;
4. whether the document reports an attack at all: the classifier's ``is_attack`` where available,
   else a keyword rule (an attack or casualty word), recorded in ``is_attack``/``attack_confidence``.

The extractor never reads incidents from the store: it needs only a resolver (boundaries and
gazetteer). A document with empty text gives an extraction with no incidents and its problems.

Example:
    >>> import datetime as dt
    >>> from nigehban.geo.gazetteer import Gazetteer
    >>> from nigehban.geo.resolver import Resolver
    >>> extractor = Extractor(resolver=Resolver(boundaries=None, gazetteer=Gazetteer.build(boundaries=None)))
    >>> doc = Document(id="r1", text="QUETTA: Two policemen were killed and five people injured when a bomb "
    ...                "exploded in Quetta late last night.", published=dt.date(2013, 5, 2))
    >>> found = extractor.extract(doc).incidents[0]
    >>> found.value("date"), found.value("province"), found.value("killed"), found.value("wounded")
    (datetime.date(2013, 5, 1), 'Balochistan', 2, 5)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from nigehban.extract.candidate import Candidate, Document, Extraction, FieldValue
from nigehban.extract.casualties import extract_casualties
from nigehban.extract.dates import extract_date
from nigehban.extract.documents import LoadedDocument, count_documents, input_files, read_documents
from nigehban.extract.places import PlaceExtractor
from nigehban.extract.segment import segment
from nigehban.geo.resolver import Resolver

__all__ = ["BATCH_SIZE", "ExtractReport", "Extractor", "extract_files", "write_extractions"]

BATCH_SIZE = 256
"""Documents classified together in :meth:`Extractor.extract_many` (the classifier is faster in batches)."""

_ATTACK_WORDS = re.compile(
    r"\b(?:attack\w*|bomb\w*|blast\w*|explo\w+|IED|grenade\w*|rocket\w*|mortar\w*|gunm[ae]n|shot|shoot\w*|fired|"
    r"killed|killing|wounded|injured|kidnap\w*|abduct\w*|ambush\w*|suicide|militants?|terroris\w+|assassinat\w+|"
    r"torched|set\s+fire|arson|hostage\w*|hijack\w*|beheaded|stormed)\b",
    re.IGNORECASE,
)

ClassifyFn = Callable[[list[str]], list[dict[str, FieldValue]]]
IsAttackFn = Callable[[list[str]], list[tuple[bool, float]]]


def _classifier() -> tuple[ClassifyFn | None, IsAttackFn | None]:
    """The classifier functions, when that module is present and loads (its model may be missing)."""
    try:
        from nigehban.extract import classify as module

        classify_fn: ClassifyFn = module.classify
        is_attack_fn: IsAttackFn = module.is_attack
        classify_fn(["A bomb exploded in Quetta."])  # loads the model now, not in the middle of a batch
    except Exception:
        return None, None
    return classify_fn, is_attack_fn


class Extractor:
    """Extracts candidate incidents from documents (see the module notes).

    ``use_classifier=False`` leaves out the classifier's fields (type, target, weapon, group, suicide).
    """

    def __init__(self, *, resolver: Resolver, use_classifier: bool = True) -> None:
        self.resolver = resolver
        self.places = PlaceExtractor(resolver=resolver)
        self._classify, self._is_attack = _classifier() if use_classifier else (None, None)

    @property
    def has_classifier(self) -> bool:
        """Whether attack/target/weapon type, suicide and perpetrator are extracted."""
        return self._classify is not None

    def extract(self, document: Document) -> Extraction:
        """Everything extracted from one document."""
        return next(iter(self.extract_many([document])))

    def extract_many(
        self, documents: Iterable[Document], *, progress: Callable[[int, int], None] | None = None, total: int = 0
    ) -> Iterator[Extraction]:
        """Extractions in the order of ``documents``; ``progress(done, total)`` after each batch."""
        done = 0
        batch: list[Document] = []
        for document in documents:
            batch.append(document)
            if len(batch) >= BATCH_SIZE:
                yield from self._batch(batch)
                done += len(batch)
                batch = []
                if progress is not None:
                    progress(done, total)
        if batch:
            yield from self._batch(batch)
            done += len(batch)
            if progress is not None:
                progress(done, total)

    # ----------------------------------------------------------------------------------------- work

    def _batch(self, documents: Sequence[Document]) -> list[Extraction]:
        parts = [segment(document.text, reference=_own_date(document)) for document in documents]
        texts = [mask for part in parts for mask in part.incidents]
        classified: list[dict[str, FieldValue]] = [{} for _ in texts]
        attack: list[tuple[bool, float]] = [_keyword_attack(document.text) for document in documents]
        if self._classify is not None and self._is_attack is not None:
            usable = [number for number, text in enumerate(texts) if text.strip()]
            if usable:
                for number, fields in zip(usable, self._classify([texts[n] for n in usable]), strict=True):
                    classified[number] = fields
            readable = [number for number, document in enumerate(documents) if document.text.strip()]
            if readable:
                for number, verdict in zip(
                    readable, self._is_attack([documents[n].text for n in readable]), strict=True
                ):
                    attack[number] = verdict
        out: list[Extraction] = []
        position = 0
        for document, part, (is_attack, attack_confidence) in zip(documents, parts, attack, strict=True):
            extraction = Extraction(document.id, is_attack=is_attack, attack_confidence=attack_confidence)
            if not document.text.strip():
                extraction.is_attack, extraction.attack_confidence = False, 0.0
                position += len(part.incidents)
                out.append(extraction)
                continue
            first_date: FieldValue | None = None
            for number, mask in enumerate(part.incidents):
                candidate = self._candidate(mask, document, classified[position], main=number == 0)
                position += 1
                date = candidate.fields.get("date")
                if number == 0:
                    first_date = date
                elif (
                    (date is None or date.value is None or date.evidence is None)
                    and first_date is not None
                    and first_date.value is not None
                ):
                    candidate.fields["date"] = FieldValue(first_date.value, round(first_date.confidence * 0.7, 3))
                extraction.incidents.append(candidate)
            extraction.incidents.sort(key=lambda candidate: -candidate.confidence)
            if not extraction.is_attack and any(_casualties_read(c) for c in extraction.incidents):
                # people killed or wounded, read with evidence: an attack report whatever the classifier says
                extraction.is_attack, extraction.attack_confidence = True, 0.6
            for start, end in part.mentions:
                extraction.mentions.append(self._mention(document, start, end))
            out.append(extraction)
        return out

    def _candidate(self, text: str, document: Document, classified: dict[str, FieldValue], *, main: bool) -> Candidate:
        fields: dict[str, FieldValue] = {}
        date = extract_date(text, published=document.published)
        if date is not None:
            fields["date"] = date
        fields.update(self.places.extract(text))
        fields.update(extract_casualties(text))
        for name, value in classified.items():
            fields.setdefault(name, value)
        confidence = 0.9 if main else 0.6
        found = sum(1 for name in ("date", "province", "killed", "attack_type") if name in fields)
        return Candidate(fields=fields, confidence=round(confidence * (0.7 + 0.075 * found), 4))

    def _mention(self, document: Document, start: int, end: int) -> Candidate:
        masked = " " * start + document.text[start:end] + " " * (len(document.text) - end)
        fields: dict[str, FieldValue] = {}
        date = extract_date(masked, published=None)
        if date is not None and date.value is not None and date.confidence >= 0.85:
            fields["date"] = date
        fields.update(self.places.extract(masked))
        return Candidate(fields=fields, confidence=0.3)


def _casualties_read(candidate: Candidate) -> bool:
    for name in ("killed", "wounded"):
        found = candidate.fields.get(name)
        if found is not None and found.evidence is not None and isinstance(found.value, int) and found.value > 0:
            return True
    return False


def _keyword_attack(text: str) -> tuple[bool, float]:
    """Without the classifier: a text with an attack or casualty word reports an attack (confidence 0.6)."""
    if not text.strip():
        return False, 0.0
    return (True, 0.6) if _ATTACK_WORDS.search(text) else (False, 0.6)


@dataclasses.dataclass(slots=True)
class ExtractReport:
    """What an extraction run did: documents read, incidents proposed, problems (one line per document)."""

    output: str
    documents: int = 0
    attacks: int = 0
    incidents: int = 0
    mentions: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)
    seconds: float = 0.0
    warnings: list[str] = dataclasses.field(default_factory=list)
    """About the run as a whole, not one document: for example that the store has no district boundaries."""

    @property
    def documents_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0


def extract_files(
    paths: Sequence[str | Path],
    *,
    output: str | Path,
    extractor: Extractor,
    progress: Callable[[int, int], None] | None = None,
) -> ExtractReport:
    """Extract every document of ``paths`` and write one JSON line per document to ``output``.

    Documents with problems (empty, undecodable, bad JSON) still get their line (no incidents) and
    one problem line each in the report. Raises :class:`~nigehban.extract.documents.ExtractInputError`
    for a path that does not exist, before writing anything.
    """
    files = input_files(paths)
    total = count_documents(files)
    report = ExtractReport(output=str(output))
    started = time.perf_counter()
    with Path(output).open("w", encoding="utf-8") as handle:
        write_extractions(
            read_documents(files), handle, extractor=extractor, report=report, progress=progress, total=total
        )
    report.seconds = time.perf_counter() - started
    return report


def write_extractions(
    loaded: Iterable[LoadedDocument],
    handle: TextIO,
    *,
    extractor: Extractor,
    report: ExtractReport,
    progress: Callable[[int, int], None] | None = None,
    total: int = 0,
) -> None:
    """Extract ``loaded`` documents, writing one JSON line each to ``handle`` and counting into ``report``.

    The one writer of extraction output: :func:`extract_files` and each partition of
    :func:`nigehban.extract.batch.extract_partitioned` go through it, so both write the same lines.
    """
    problems: dict[str, list[str]] = {}

    def documents() -> Iterator[Document]:
        for one in loaded:
            if one.problems:
                problems[one.document.id] = one.problems
            yield one.document

    for extraction in extractor.extract_many(documents(), progress=progress, total=total):
        extraction.problems.extend(problems.pop(extraction.document_id, []))
        handle.write(json.dumps(extraction.as_eval_dict(), ensure_ascii=False) + "\n")
        report.documents += 1
        report.attacks += extraction.is_attack
        report.incidents += len(extraction.incidents) if extraction.is_attack else 0
        report.mentions += len(extraction.mentions)
        if extraction.problems:
            report.problems.append("; ".join(extraction.problems))


def _own_date(document: Document) -> dt.date | None:
    """The date of the report's own attack as its first sentence gives it, else the publication date."""
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z])", document.text.strip(), maxsplit=1)[0]
    found = extract_date(first, published=document.published)
    if found is not None and isinstance(found.value, dt.date) and found.evidence is not None:
        return found.value
    return document.published
