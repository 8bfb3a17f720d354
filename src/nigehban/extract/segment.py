"""How many incidents a report gives: the new ones it reports and the earlier ones it only recalls.

:func:`segment` splits a text, with rules, into

- **incident segments**: the report's own incident, and further ones announced by "In a separate
  incident", "In another incident", "Separately," or "Meanwhile, in" at the start of a sentence
  (agency round-ups list several attacks of a day);
- **mentions**: phrases recalling an earlier attack -- "weeks after the Peshawar Police Lines
  attack", "following last month's bombing of ...", "similar to the 2009 attack on ...", "the
  deadliest since the ... massacre" -- cut out of the segment they sit in, with their own clause
  ("the Police Lines bombing that killed 84 people"), whose toll is not the new attack's; and later
  sentences (or clauses after ";") that open with a time before the report's own -- "In January, a
  suicide bomber killed ...", "Last year, a similar attack ...", "...; on May 3, four constables were
  killed" -- while one opening with a later time is the attack's sequel ("In December 2011, al-Qaida
  claimed responsibility"); and later sentences telling of deaths in a year before the report's own,
  wherever the year stands ("Its gunmen killed 150 people at an army-run school in Peshawar in 2014"),
  or in an earlier month of the report's year ("... in January that killed 92 people"); an attack
  named by its year ("the 2014 Peshawar school massacre in which 141 people died"); "since
  January, when ..."; "evoked memories of ..."; and what a "came a day after ..." clause tells.
  "Within hours, a second blast ...", "Hours later" and "Later that day" open another incident.

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
import datetime as dt
import itertools
import re

__all__ = ["Segments", "blank_grievances", "segment"]

_ATTACK_NOUN = (
    r"(?:attacks?|bombings?|blasts?|explosions?|massacre|siege|assault|ambush|raid|carnage|tragedy|killings?|"
    r"suicide\s+bombing|incident)"
)
_MENTION = re.compile(
    r"\b(?:(?P<span>days?|weeks?|months?|years?)\s+after|hours?\s+after|since|following|follows|followed|in\s+the\s+wake\s+of|"
    r"similar\s+to|reminiscent\s+of|recalled|recalling|anniversary\s+of|(?:evok\w+|brought\s+back)\s+memories\s+of|"
    r"memories\s+of|like|after)\s+"
    r"(?P<what>(?:the|a|last\s+\w+['’]s|this\s+\w+['’]s|an)\s+(?:[^,.;:()]{0,70}?\s)?" + _ATTACK_NOUN + r"\b"
    r"(?:\s+(?:on|in|at)\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s*){1,4})?(?:\s+(?:in|on)\s+(?:\d{4}|[A-Z][a-z]+\s+\d{4}))?)",
)
# The recalled attack's own clause goes with it: "the Police Lines bombing that killed 84 people", "an assault
# on the same post in which five policemen were killed", "after a bombing at a mosque in Peshawar killed more
# than 80" -- its toll is not the new attack's.
_RELATIVE_CLAUSE = re.compile(
    r"(?:\s+(?:on|at|near|against|in|of)\s+[^,.;:!?]{0,40}?)?"  # "on the same post", "the siege of the airport"
    r"(?:,\s*(?:which|in\s+which|where)|\s+(?:that|which|in\s+which|where)|(?=\s+(?:killed|left|claimed)\b))"
    r"\s+[^,.;:!?]*"  # ... or the recalled attack's own verb: "weeks after a bombing at a mosque killed 84"
)
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH = "(?:" + "|".join(_MONTHS) + ")"
# A later sentence (or a clause after ";") that opens with an earlier time is background -- an earlier attack
# recalled, not this one: "In January, a suicide bomber killed more than 100 people at ...", "Last year, a
# similar attack on the same post killed five policemen", "... this month; on May 3, four constables were killed".
# A time after the report's own ("On October 12, the assailants beheaded the hostages", GTD's follow-ups) is not.
_EARLIER_OPENING = re.compile(
    r"(?:(?<=[.!?]\s)|(?<=;\s))\s*(?:"
    r"(?:In|During)\s+(?:early\s+|late\s+|mid-)?(?:(?P<month>"
    + _MONTH
    + r")(?:\s+(?P<month_year>\d{4}))?|(?P<year>\d{4}))"
    r"|(?P<always>Last\s+(?:year|month|week|" + _MONTH + r")|Earlier\s+this\s+(?:year|month|week)"
    r"|(?:A|One|Two|Three|Four|Five|Six|Several|\d+)\s+(?:years?|months?|weeks?)\s+(?:ago|earlier))"
    r"|(?<=;\s)[Oo]n\s+(?:(?P<on_month>"
    + _MONTH
    + r")\s+(?P<on_day>\d{1,2})|(?P<on_day2>\d{1,2})\s+(?P<on_month2>"
    + _MONTH
    + r"))(?:st|nd|rd|th)?(?:,?\s+(?P<on_year>\d{4}))?"
    r")\s*,?\s+[^.!?;]*",
)


def _is_earlier(match: re.Match[str], reference: dt.date | None) -> bool:
    """Whether an opening time lies before the report's own date (always, for "last year" and the like)."""
    if match["always"] or reference is None:
        return True
    if match["year"]:
        return int(match["year"]) < reference.year
    if match["month"] and not match["month_year"] and not re.match(r"\s*(?:In|During)\s+\S+(?:\s+\S+)?,", match[0]):
        return False  # "In May and September 2012, ...": not one earlier time
    month_name = match["month"] or match["on_month"] or match["on_month2"]
    month = _MONTHS.index(month_name) + 1
    year = int(match["month_year"] or match["on_year"] or reference.year)
    day = match["on_day"] or match["on_day2"]
    if day is None:
        return (year, month) < (reference.year, reference.month)
    return (year, month, int(day)) < (reference.year, reference.month, reference.day)


# ... or that recalls a similar attack at an earlier time: "A similar assault on the post two years ago killed
# five". Not "one of three similar attacks on the same day", nor a warning of similar attacks to come.
_SIMILAR = re.compile(
    r"(?<=[.!?]\s)[^.!?]*\bsimilar\s+" + _ATTACK_NOUN + r"\b[^.!?]*?"
    r"\b(?:last\s+(?:year|month|week)|earlier|ago|previous(?:ly)?|in\s+(?:19|20)\d{2})\b[^.!?]*",
    re.IGNORECASE,
)
# ... or that tells of deaths in an earlier year anywhere in it: "Its gunmen killed 150 people, most of them
# pupils, at an army-run school in Peshawar in 2014." (a year before the report's own, which must be known)
_DEATH_WORDS = r"(?:killed|killing|died|dead|deaths|fatalities|lives|martyred|massacred|slain)"
_EARLIER_YEAR = re.compile(
    r"(?<=[.!?]\s)[^.!?]*\b"
    + _DEATH_WORDS
    + r"\b[^.!?]*?\bin\s+(?:"
    + _MONTH
    + r"\s+)?(?P<year>(?:19|20)\d{2})\b[^.!?]*"
    r"|(?<=[.!?]\s)[^.!?]*\bin\s+(?:"
    + _MONTH
    + r"\s+)?(?P<year2>(?:19|20)\d{2})\b[^.!?]*?\b"
    + _DEATH_WORDS
    + r"\b[^.!?]*"
)
# An attack named by its year: "who had also masterminded the 2014 Peshawar school massacre in which 141 people died"
_YEAR_NAMED = re.compile(r"\bthe\s+(?P<year>(?:19|20)\d{2})\s+(?:[^,.;:()]{0,50}?\s)?" + _ATTACK_NOUN + r"\b")
# An earlier attack told in a "since ..., when" clause: "the deadliest in Pakistan since January, when a suicide
# bomber killed more than 100 people"
_SINCE_WHEN = re.compile(
    r"\bsince\s+(?:" + _MONTH + r"|(?:19|20)\d{2}|last\s+\w+)(?:\s+(?:19|20)\d{2})?\s*,?\s+when\b[^.!?]*"
)
# The report's own attack placed after an earlier one: "The assault came a day after gunmen ambushed two vehicles in
# Gwadar, killing 14 soldiers."
_CAME_AFTER = re.compile(
    r"\b(?:came|comes|happened|occurred|took\s+place)\s+(?:just\s+|only\s+|barely\s+)?(?:a|one|two|three|four|five|"
    r"six|several|a\s+few|less\s+than\s+(?:a|one|two|three)|more\s+than\s+(?:a|one|two))\s+(?:days?|weeks?|months?)\s+"
    r"after\s+(?P<what>[^.!?]*)"
)
# ... or of deaths in an earlier month of the report's own year: "The same group said it carried out the twin
# bombings at a snooker hall in January that killed 92 people." (a report of 16 February)
_EARLIER_MONTH = re.compile(
    r"(?<=[.!?]\s)[^.!?]*\bin\s+(?P<month>" + _MONTH + r")\b(?!\s+\d)[^.!?]*?\b" + _DEATH_WORDS + r"\b[^.!?]*"
)
_CLAIM = re.compile(r"\bclaim(?:s|ed|ing)?\b|\bresponsibility\b", re.IGNORECASE)
_NEW_INCIDENT = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=\n))\s*(?:In\s+(?:a|another)\s+(?:separate|similar|related|second)?\s*"
    r"(?:incident|attack|development)|Separately|Meanwhile,?\s+(?:in|at|near)|Elsewhere|Within\s+hours|Hours\s+later"
    r"|Later\s+(?:that|the\s+same)\s+day)\b",
)


# What the attackers said they avenged, to the end of its clause: "the attack was revenge for the military's operation
# in North Waziristan", "in retaliation for the killing of two Baloch women in Quetta", "in response to the killing of
# a local commander" -- its place and its dead are not the attack's.
_GRIEVANCE = re.compile(
    r"\b(?:in\s+(?:response|retaliation|reprisal|revenge)\s+(?:to|for)|(?:revenge|retaliation|reprisal|vengeance)\s+for"
    r"|to\s+avenge)\b[^,.;:!?\n]*",
    re.IGNORECASE,
)


def blank_grievances(text: str) -> str:
    """``text`` with what the attackers said they avenged blanked (offsets kept)."""
    return _GRIEVANCE.sub(lambda match: " " * len(match.group(0)), text)


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


def segment(text: str, *, reference: dt.date | None = None) -> Segments:
    """Split ``text`` into incident masks and mention spans (see the module notes).

    ``reference`` is the date of the report's own attack, if known: a later sentence opening with an
    earlier time is a recalled attack, one opening with a later time the same attack's sequel.
    """
    mentions: list[tuple[int, int]] = []
    for match in _MENTION.finditer(text):
        what = match.group("what")
        # "after the attack" recalls nothing specific: the report's own attack described again; "weeks after
        # a suicide bombing" does
        if not match["span"] and re.fullmatch(r"(?:the|a|an)\s+" + _ATTACK_NOUN, what):
            continue
        clause = _RELATIVE_CLAUSE.match(text, match.end("what"))
        mentions.append((match.start("what"), clause.end() if clause else match.end("what")))
    for match in _SINCE_WHEN.finditer(text):
        if not any(begin < match.end() and match.start() < end for begin, end in mentions):
            mentions.append((match.start(), match.end()))
    for match in _CAME_AFTER.finditer(text):
        # the whole clause, also where a mention of its attack was found inside it ("came barely two months after
        # the March 4 assault on the Bannu Cantonment, in which ... killed 18 people, ... before all 16 attackers
        # were gunned down")
        inside = [span for span in mentions if match.start("what") <= span[0] < match.end("what")]
        mentions = [span for span in mentions if span not in inside]
        mentions.append((min([match.start("what"), *(begin for begin, _ in inside)]), match.end("what")))
    for match in _YEAR_NAMED.finditer(text):
        if reference is not None and int(match["year"]) < reference.year:
            clause = _RELATIVE_CLAUSE.match(text, match.end())
            span = (match.start(), clause.end() if clause else match.end())
            if not any(begin < span[1] and span[0] < end for begin, end in mentions):
                mentions.append(span)
    earlier = [match for match in _EARLIER_OPENING.finditer(text) if _is_earlier(match, reference)]
    if reference is not None:
        earlier += [
            match
            for match in _EARLIER_YEAR.finditer(text)
            if int(match["year"] or match["year2"]) < reference.year
            # "TTP claimed responsibility, in revenge for Baitullah Mehsud, killed in 2009": the claim is this attack's
            and not _CLAIM.search(match.group(0))
        ]
        earlier += [
            match
            for match in _EARLIER_MONTH.finditer(text)
            if _MONTHS.index(match["month"]) + 1 < reference.month and not _CLAIM.search(match.group(0))
        ]
    for match in (*earlier, *_SIMILAR.finditer(text)):
        start = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
        if not any(start < end and match.end() > begin for begin, end in mentions):
            mentions.append((start, match.end()))
    mentions.sort()
    starts = [0] + [m.start() for m in _NEW_INCIDENT.finditer(text) if m.start() > 0]
    bounds = [*starts, len(text)]
    masked = _blank(text, mentions) if mentions else text
    if len(starts) == 1:
        return Segments([masked], mentions)
    incidents = []
    for start, end in itertools.pairwise(bounds):
        incidents.append(_blank(masked, [(0, start), (end, len(text))]))
    return Segments(incidents, mentions)
