"""What extraction produces: documents in, candidate incidents out, with the evidence for each field.

A :class:`Document` is one report (a JSON line, a text or an HTML file). Extraction gives an
:class:`Extraction` per document: whether it reports a militant attack at all, the incidents it
reports (:class:`Candidate`, each field with a confidence and the character span of its evidence in
the document's text), the earlier incidents it only recalls (``mentions``), and the problems met
(an empty document, an undecodable file) -- a problem never stops a batch.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

__all__ = ["CANDIDATE_FIELDS", "Candidate", "Document", "Evidence", "Extraction", "FieldValue", "quoted_from"]

CANDIDATE_FIELDS = (
    "date",
    "province",
    "district_pcode",
    "district",
    "place",
    "latitude",
    "longitude",
    "attack_type",
    "target_type",
    "weapon_type",
    "perpetrator",
    "perpetrator_claimed",
    "suicide",
    "killed",
    "killed_perpetrators",
    "wounded",
    "wounded_perpetrators",
    "killed_security",
    "duration_hours",
)
"""The fields a candidate may carry (names of the incident record, plus ``duration_hours``)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Evidence:
    """Where in the document's text a value was read: ``text[start:end]``."""

    start: int
    end: int
    text: str


@dataclasses.dataclass(frozen=True, slots=True)
class FieldValue:
    """One field's value, how sure the extractor is (0-1), and the evidence (``None`` if inferred)."""

    value: Any
    confidence: float
    evidence: Evidence | None = None


def quoted_from(fields: dict[str, FieldValue], text: str) -> dict[str, FieldValue]:
    """``fields`` with their evidence quoted from ``text``: for values read from a copy of the text with some
    characters blanked (offsets kept), so that the evidence shows what the document says."""
    return {
        name: field
        if field.evidence is None
        else dataclasses.replace(
            field, evidence=dataclasses.replace(field.evidence, text=text[field.evidence.start : field.evidence.end])
        )
        for name, field in fields.items()
    }


@dataclasses.dataclass(frozen=True, slots=True)
class Document:
    """One report to extract from. ``published`` anchors relative dates ("on Friday evening")."""

    id: str
    text: str
    published: dt.date | None = None
    source: str | None = None
    """Where it came from: a file path, ``path:line`` for JSON lines."""


@dataclasses.dataclass(slots=True)
class Candidate:
    """An incident proposed from a document. ``fields`` holds only what was found."""

    fields: dict[str, FieldValue]
    confidence: float
    """How sure the extractor is that this is a real, distinct incident (ranks a document's incidents)."""

    def value(self, name: str) -> Any:
        found = self.fields.get(name)
        return found.value if found is not None else None

    def as_eval_dict(self) -> dict[str, Any]:
        """The candidate in the evaluation's output form (``../shared/eval/README.md``): unknown = ``None``."""
        out: dict[str, Any] = {}
        for name in CANDIDATE_FIELDS:
            value = self.value(name)
            out[name] = value.isoformat() if isinstance(value, dt.date) else value
        out["confidence"] = round(self.confidence, 4)
        return out


@dataclasses.dataclass(slots=True)
class Extraction:
    """Everything extracted from one document."""

    document_id: str
    is_attack: bool
    attack_confidence: float
    incidents: list[Candidate] = dataclasses.field(default_factory=list)
    """New incidents the document reports, most confident first."""
    mentions: list[Candidate] = dataclasses.field(default_factory=list)
    """Earlier incidents the document only recalls ("weeks after the Peshawar Police Lines attack")."""
    problems: list[str] = dataclasses.field(default_factory=list)

    def as_eval_dict(self) -> dict[str, Any]:
        """One output line of ``nigehban extract``: ``{"id", "incidents": [...]}`` (empty when no attack)."""
        return {
            "id": self.document_id,
            "incidents": [c.as_eval_dict() for c in self.incidents] if self.is_attack else [],
        }
