"""How many incidents a report gives: the new ones it reports and the earlier ones it only recalls.

:func:`segment` splits a text, with rules, into

- **incident segments**: the report's own incident, and further ones announced by "In a separate
  incident", "In another incident", "Separately," or "Meanwhile, in" at the start of a sentence
  (agency round-ups list several attacks of a day);
- **mentions**: phrases recalling an earlier attack -- "weeks after the Peshawar Police Lines
  attack", "following last month's bombing of ...", "similar to the 2009 attack on ...", "the
  deadliest since the ... massacre" -- cut out of the segment they sit in, with their own clause
  ("the Police Lines bombing that killed 84 people"), whose toll is not the new attack's.

Each segment is returned as a **mask** of the text: a string of the same length in which
everything outside the segment is blanked, so that evidence spans found in a segment are spans of
the document's text. Most reports are one incident with no mention: one segment, the text itself.

Caveats: rules only; a second incident introduced without a marker ("Earlier, two soldiers were
shot in Bannu") stays in the first segment.

Example:
    >>> text = ("Weeks after the Peshawar Police Lines attack, TTP militants stormed the Karachi Police "
    ...         "Office on Friday, killing four.")
    >>> parts = segment(text)
    >>> len(parts.incidents), [text[s:e] for s, e in parts.mentions]
    (1, ['the Peshawar Police Lines attack'])
    >>> "Peshawar" in parts.incidents[0]
    False
"""

from __future__ import annotations

import dataclasses
import itertools
import re

__all__ = ["Segments", "segment"]

_ATTACK_NOUN = (
    r"(?:attacks?|bombings?|blasts?|explosions?|massacre|siege|assault|ambush|raid|carnage|tragedy|killings?|"
    r"suicide\s+bombing|incident)"
)
_MENTION = re.compile(
    r"\b(?:(?:days?|weeks?|months?|years?|hours?)\s+after|since|following|follows|followed|in\s+the\s+wake\s+of|"
    r"similar\s+to|reminiscent\s+of|recalled|recalling|anniversary\s+of|like|after)\s+"
    r"(?P<what>(?:the|a|last\s+\w+['’]s|this\s+\w+['’]s|an)\s+(?:[^,.;:()]{0,70}?\s)?" + _ATTACK_NOUN + r"\b"
    r"(?:\s+(?:on|in|at)\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s*){1,4})?(?:\s+(?:in|on)\s+(?:\d{4}|[A-Z][a-z]+\s+\d{4}))?)",
)
# The recalled attack's own clause goes with it: "the Police Lines bombing that killed 84 people", "an assault
# on the same post in which five policemen were killed" -- its toll is not the new attack's.
_RELATIVE_CLAUSE = re.compile(
    r"(?:\s+(?:on|at|near|against|in)\s+[^,.;:!?]{0,40}?)?"  # "on the same post"
    r"(?:,\s*(?:which|in\s+which|where)|\s+(?:that|which|in\s+which|where))\s+[^,.;:!?]*"
)
_NEW_INCIDENT = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=\n))\s*(?:In\s+(?:a|another)\s+(?:separate|similar|related|second)?\s*"
    r"(?:incident|attack|development)|Separately|Meanwhile|Elsewhere)\b",
)


@dataclasses.dataclass(frozen=True, slots=True)
class Segments:
    """Masks of the text's incidents (first = the report's main incident) and spans of recalled attacks."""

    incidents: list[str]
    mentions: list[tuple[int, int]]


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    pieces = list(text)
    for start, end in spans:
        pieces[start:end] = " " * (end - start)
    return "".join(pieces)


def segment(text: str) -> Segments:
    """Split ``text`` into incident masks and mention spans (see the module notes)."""
    mentions: list[tuple[int, int]] = []
    for match in _MENTION.finditer(text):
        what = match.group("what")
        # "after the attack" recalls nothing specific: the report's own attack described again
        if re.fullmatch(r"(?:the|a|an)\s+" + _ATTACK_NOUN, what):
            continue
        clause = _RELATIVE_CLAUSE.match(text, match.end("what"))
        mentions.append((match.start("what"), clause.end() if clause else match.end("what")))
    starts = [0] + [m.start() for m in _NEW_INCIDENT.finditer(text) if m.start() > 0]
    bounds = [*starts, len(text)]
    masked = _blank(text, mentions) if mentions else text
    if len(starts) == 1:
        return Segments([masked], mentions)
    incidents = []
    for start, end in itertools.pairwise(bounds):
        incidents.append(_blank(masked, [(0, start), (end, len(text))]))
    return Segments(incidents, mentions)
