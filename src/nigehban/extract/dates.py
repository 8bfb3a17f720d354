"""When the attack happened: explicit dates in many styles, relative dates against the publication date.

:func:`extract_date` returns a :class:`FieldValue` holding a :class:`datetime.date` (or ``None``
when the text says only "on Monday" and there is no publication date to count back from), a
confidence and the evidence span. In order of trust:

1. A leading date stamp ``MM/DD/YYYY:`` (the GTD summary style, month first): 0.99.
2. Explicit dates: ``January 11, 1998``, ``Jan. 11 1998``, ``11 January 1998``, ``11th of Jan 1998``,
   ``1998-01-11``, ``11/01/1998`` / ``11-01-1998`` / ``11.01.1998`` (day first, the Pakistani
   convention, unless the first number exceeds 12): 0.95; without a year (``on January 11``) the
   year is that of the publication (the year before if that would be after it): 0.85. The first
   explicit date not after publication is taken: a report names its own event first and recalls
   older ones later.
3. Relative to ``published``: ``today``, ``tonight``, ``this morning`` (the day itself);
   ``yesterday``, ``last night``, ``last evening``, ``late last night``, ``overnight`` (the day before);
   ``the day before yesterday``; ``N days ago``; ``13th instant`` (that day of the publication's month, the
   police style) and ``on the 14th``;
   ``on Monday`` / ``on Friday evening`` / ``Sunday's attack`` (the latest such weekday on or
   before the publication date -- an agency note of Friday saying "on Friday" means that day): 0.8.
4. Nothing: the publication date itself with confidence 0.3 (news is about recent events), or no
   value.

Not the attack's: a cited source's date ("Source: Dawn; Reuters (15 July 2021)", "The Express
Tribune, March 4, 2017", "FIR No. 412 dated 13.07.2023" -- taken as the publication date when none
is given), a statement's header or first line when the body gives a date up to a week before ("Rawalpindi,
August 22, 2024 (ISPR): On the night of 21/22 August ..."), the weekday of a claim or a toll's update
("claimed responsibility on Monday"), and a no-year date half a year before publication when the
report also counts days back (a date still to come). "The night of 21/22 August" is the 21st;
"last week on Tuesday" the Tuesday of the week before.

A date is never after the publication date. Caveats: a weekday with no publication date is left
unknown (confidence 0.1, the evidence still shown); "last week" and month-only dates give no day.

Example:
    >>> import datetime as dt
    >>> extract_date("01/11/1998: Twenty-five people were shot dead in Lahore.", published=None).value
    datetime.date(1998, 1, 11)
    >>> extract_date("Militants stormed a checkpost late last night.", published=dt.date(2013, 5, 2)).value
    datetime.date(2013, 5, 1)
    >>> found = extract_date("The blast on Friday evening killed four.", published=dt.date(2013, 5, 6))
    >>> found.value, found.evidence.text
    (datetime.date(2013, 5, 3), 'on Friday evening')
    >>> extract_date("The blast on Friday evening killed four.", published=None).value is None
    True
"""

from __future__ import annotations

import datetime as dt
import re

from nigehban.extract.candidate import Evidence, FieldValue

__all__ = ["extract_date"]

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_STAMP = re.compile(r"^\s*(?P<month>[01]?\d)/(?P<day>[0-3]?\d)/" + _YEAR + r"\s*:")
_EXPLICIT = [
    # the night of 21/22 August 2024 / 19/20 February: the first day
    re.compile(
        r"\b" + _DAY + r"\s*/\s*[0-3]?\d(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"\b(?:,?\s*" + _YEAR + r"\b)?",
        re.IGNORECASE,
    ),
    # January 11, 1998 / Jan. 11 1998 / January 11th, 1998 / January 11 (no year)
    re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r"\b(?:,?\s*" + _YEAR + r"\b)?", re.IGNORECASE),
    # 11 January 1998 / 11th of Jan, 1998 / 11 January (no year)
    re.compile(r"\b" + _DAY + r"(?:\s+of)?\s+" + _MONTH + r"\b(?:,?\s*" + _YEAR + r"\b)?", re.IGNORECASE),
    # 16-Feb-2013, 16 Feb. 2013 in a list's cells
    re.compile(r"\b" + _DAY + r"[-/]" + _MONTH + r"[-/]" + _YEAR + r"\b", re.IGNORECASE),
    # 1998-01-11
    re.compile(r"\b" + _YEAR + r"-(?P<month>[01]?\d)-(?P<day>[0-3]?\d)\b"),
    # 11/01/1998, 11-01-1998, 11.01.1998: day first unless that is impossible
    re.compile(r"\b(?P<first>[0-3]?\d)[/.-](?P<second>[01]?\d)[/.-]" + _YEAR + r"\b"),
]
_TODAY = re.compile(r"\b(?:today|tonight|this (?:morning|afternoon|evening))\b", re.IGNORECASE)
_YESTERDAY = re.compile(
    r"\b(?:(?:late\s+|early\s+)?yesterday(?:\s+(?:morning|afternoon|evening|night))?"
    r"|(?:late\s+)?last\s+(?:night|evening)|overnight)\b",
    re.IGNORECASE,
)
_DAYS_AGO = re.compile(r"\b(?P<n>two|three|four|five|six|\d)\s+days\s+ago\b", re.IGNORECASE)
_WEEKDAY = re.compile(
    r"\b(?:(?:on|late|early|last)\s+)?(?P<weekday>" + "|".join(_WEEKDAYS) + r")(?:'s)?"
    r"(?:\s+(?:morning|afternoon|evening|night))?\b",
    re.IGNORECASE,
)
# A wire story's dateline with its date: "QUETTA, Oct 25 (Reuters) -", "ISLAMABAD, January 11, 1998 (AFP) -"
_WIRE_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z .'-]{2,30}?,\s*(?:Pakistan,\s*)?(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,?\s+\d{4})?)\s*"
    r"(?:\([A-Za-z]{2,10}\)\s*)?[-—–:]\s"
)
_STATEMENT_BEFORE = re.compile(
    r"\b(?:said|says|told\s+(?:\w+\s+){0,2}?|stated|announced|confirmed|added|reported|claimed|insisted)\s+$",
    re.IGNORECASE,
)
_INSTANT = re.compile(
    r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:instant|inst\.?)(?!\w)"
    # ... and the day alone: "on the 14th", "on the night of the 14th" (not "the 14th Corps")
    r"|\b(?:on|of)\s+the\s+(?P<day_alone>\d{1,2})(?:st|nd|rd|th)\b"
    r"(?=\s*(?:[,.;]|$|\s+(?:at|in|when|as|of\s+this\s+month|night|morning|evening|afternoon)\b))",
    re.IGNORECASE,
)
# "... claimed responsibility on Monday for a suicide bombing ... on Sunday", "the toll rose to 84 on Sunday,
# officials said": the day of a claim or a toll's update, not of the attack
_UPDATE_BEFORE = re.compile(
    r"\b(?:claimed\s+responsibility|(?:rose|risen|climbed|reached|jumped)\s+to\s+\d[\d,]*(?:\s+[a-z]+)?)\s+$",
    re.IGNORECASE,
)
_SAID_AFTER = re.compile(
    r"(?:\s+(?:morning|afternoon|evening|night))?,\s+(?:\w+\s+){0,3}?(?:said|say|says|told|announced|confirmed)\b",
    re.IGNORECASE,
)
# Where a report cites its source, the date is the source's, not the attack's: "Source: Dawn; Reuters (15 July
# 2021). On 14 July 2021 ...", "Source summary (Dawn; The News, 11 January 2013): On the evening of 10 January
# 2013 ...", "Headline: '...' (Dawn, 17 Feb 2017)."
_CITATION = re.compile(
    r"\bSources?(?:\s+summary)?\s*\([^()\n]{0,100}\)\s*:"
    r"|\bSources?\s*:[^\n]{0,100}?(?:\.\s|\n|$)"
    r"|\((?=[^()\n]{0,40}\b(?:Dawn|The\s+News|Express\s+Tribune|Tribune|Reuters|AP|AFP|BBC|Geo|ISPR|APP|"
    r"Daily\s+Times|The\s+Nation|Business\s+Recorder|Xinhua|Al\s+Jazeera)\b)[^()\n]{0,60}\)"
    # a timeline's source after the entry: "... claimed responsibility. The Express Tribune, March 4, 2017."
    r"|\b(?:The\s+)?(?:Express\s+Tribune|Dawn|The\s+News|Daily\s+Times|The\s+Nation|Business\s+Recorder|Geo\s+News)\s*,\s*"
    r"(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+(?:19|20)\d{2}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?,?\s+(?:19|20)\d{2})"
    # a document's own date: "FIR No. 412 dated 13.07.2023 ... on 12.07.2023 at about 2310 hrs"
    r"|\bdated\s+(?:[0-3]?\d[./-][01]?\d[./-](?:19|20)\d{2}|[0-3]?\d\s+[A-Z][a-z]+\.?,?\s+(?:19|20)\d{2}"
    r"|[A-Z][a-z]+\.?\s+[0-3]?\d,?\s+(?:19|20)\d{2})"
)
_LAST_WEEK_ON = re.compile(r"\blast\s+week\s+(?:on\s+)?$", re.IGNORECASE)
# a statement's header: "Rawalpindi, August 22, 2024 (ISPR): ...", or its first line ("Daily Situation Report, Police
# Headquarters Quetta, 12.03.2024.")
_HEADER = re.compile(r"^[^:\n]{0,100}?:\s|^[^\n]{0,120}\n")
_WEEK = dt.timedelta(days=7)
_HALF_YEAR = dt.timedelta(days=180)
_DAY_BEFORE_YESTERDAY = re.compile(r"\b(?:the\s+)?day\s+before\s+yesterday\b", re.IGNORECASE)
_SMALL = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _evidence(text: str, match: re.Match[str]) -> Evidence:
    return Evidence(match.start(), match.end(), text[match.start() : match.end()])


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _explicit(match: re.Match[str], published: dt.date | None) -> tuple[dt.date | None, bool]:
    """The date a match names and whether its year was written."""
    groups = match.groupdict()
    year_text = groups.get("year")
    if groups.get("first") is not None:
        first, second = int(groups["first"]), int(groups["second"])
        day, month = (first, second) if first > 12 or second <= 12 else (second, first)
        return _make(int(year_text or 0), month, day), True
    month_text = groups["month"]
    if not month_text[0].isupper() and not month_text.isdecimal():
        return None, False  # "may", "march" as words, not months
    month = _MONTHS[month_text.lower().rstrip(".")] if not month_text.isdecimal() else int(month_text)
    day = int(groups["day"])
    if year_text:
        return _make(int(year_text), month, day), True
    if published is None:
        return None, False
    found = _make(published.year, month, day)
    if found is not None and found > published:
        found = _make(published.year - 1, month, day)
    return found, False


def extract_date(text: str, *, published: dt.date | None) -> FieldValue | None:
    """The attack's date read from ``text`` (see the module notes); ``None`` when there is nothing to go on."""
    wire = _WIRE_DATELINE.match(text)
    if wire:
        # "QUETTA, Oct 25 (Reuters) - ... late on Monday": the dateline's date is when the report was filed;
        # the body's own date, counted back from it, is the attack's
        dateline = extract_date(wire["date"], published=published)
        filed = dateline.value if dateline is not None and dateline.confidence >= 0.85 else None
        body = extract_date(" " * wire.end() + text[wire.end() :], published=published or filed)
        if body is not None and body.value is not None and body.confidence > 0.3:
            return body
        if filed is not None:
            return FieldValue(filed, 0.85, _evidence(text, wire))
        return body
    citations = list(_CITATION.finditer(text))
    if citations:
        # the cited source's date is when the report appeared: the attack's own date is read without it
        # (and relative days count back from it when the publication date is not given)
        cited = [_explicit_date(match.group(0), published) for match in citations]
        filed = next((found.value for found in cited if found is not None and found.confidence >= 0.95), None)
        blanked = list(text)
        for match in citations:
            blanked[match.start() : match.end()] = " " * (match.end() - match.start())
        own = extract_date("".join(blanked), published=published or filed)
        if own is not None and own.value is not None and own.confidence > 0.3:
            return own
        if filed is not None:
            return FieldValue(filed, 0.5, _evidence(text, citations[0]))
        return own
    stamp = _STAMP.match(text)
    if stamp:
        stamped = _make(int(stamp["year"]), int(stamp["month"]), int(stamp["day"]))
        if stamped is not None and (published is None or stamped <= published):
            return FieldValue(stamped, 0.99, _evidence(text, stamp))
    return _body_date(text, published)


def _body_date(text: str, published: dt.date | None) -> FieldValue | None:
    """The first explicit date, unless it is a header's or a day still to come; else a relative one."""
    found = _explicit_date(text, published)
    if found is None or found.value is None:
        return _relative(text, published)
    header = _HEADER.match(text)
    if header is not None and found.evidence is not None and found.evidence.end <= header.end():
        # "Rawalpindi, August 22, 2024 (ISPR): On the night of 21/22 August 2024, ...": the header's date is the
        # statement's; the body's own, a few days before, the attack's
        body = _explicit_date(" " * header.end() + text[header.end() :], published)
        if body is not None and body.value is not None and dt.timedelta(0) <= found.value - body.value <= _WEEK:
            return body
    if published is not None and found.confidence < 0.95 and published - found.value > _HALF_YEAR:
        # a day and month without a year, half a year or more before publication, is more likely a date still to
        # come ("The attack came days before Islamabad hosts a summit on October 15-16") than the attack's when the
        # report also counts days back ("late Sunday")
        relative = _relative(text, published)
        if relative is not None and relative.confidence >= 0.8:
            return relative
    return found


def _explicit_date(text: str, published: dt.date | None) -> FieldValue | None:
    """The first explicit date in ``text`` not after ``published`` (the patterns of :data:`_EXPLICIT`)."""
    best: tuple[int, dt.date, bool, re.Match[str]] | None = None
    for pattern in _EXPLICIT:
        for match in pattern.finditer(text):
            if best is not None and match.start() >= best[0]:
                break
            found, with_year = _explicit(match, published)
            if found is None or (published is not None and found > published):
                continue
            best = (match.start(), found, with_year, match)
            break
    if best is not None:
        return FieldValue(best[1], 0.95 if best[2] else 0.85, _evidence(text, best[3]))
    return None


def _relative(text: str, published: dt.date | None) -> FieldValue | None:
    """Dates counted back from the publication date (the earliest-placed cue in the text wins)."""
    cues: list[tuple[int, re.Match[str], int | None]] = []
    for pattern, days in ((_TODAY, 0), (_DAY_BEFORE_YESTERDAY, 2), (_YESTERDAY, 1)):
        found = pattern.search(text)
        if found:
            cues.append((found.start(), found, days))
    instant = _INSTANT.search(text)
    if instant and published is not None:
        # "on 13th instant": that day of the publication's month (the month before if the day is still to come)
        day = int(instant["day"] or instant["day_alone"])
        this_month = _make(published.year, published.month, day)
        previous = published.replace(day=1) - dt.timedelta(days=1)
        on = (
            this_month
            if this_month is not None and this_month <= published
            else _make(previous.year, previous.month, day)
        )
        if on is not None:
            cues.append((instant.start(), instant, (published - on).days))
    ago = _DAYS_AGO.search(text)
    if ago:
        count = ago["n"].lower()
        cues.append((ago.start(), ago, int(count) if count.isdecimal() else _SMALL[count]))
    weekdays = list(_WEEKDAY.finditer(text))
    # "officials said on Monday that 63 had died from Sunday's bombing": the day of a statement is not the
    # attack's, unless the report names no other day
    told = [
        w
        for w in weekdays
        if _STATEMENT_BEFORE.search(text, max(0, w.start() - 40), w.start())
        or _UPDATE_BEFORE.search(text, max(0, w.start() - 40), w.start())
        or _SAID_AFTER.match(text, w.end())
    ]
    weekday = next((w for w in weekdays if w not in told), told[0] if told else None)
    if weekday:
        cues.append((weekday.start(), weekday, None))
    if not cues:
        if published is None:
            return None
        return FieldValue(published, 0.3, None)
    _, match, cue_offset = min(cues, key=lambda cue: cue[0])
    evidence = _evidence(text, match)
    if published is None:
        return FieldValue(None, 0.1, evidence)
    if cue_offset is not None:
        offset = cue_offset
    else:
        target = _WEEKDAYS.index(match["weekday"].lower())
        offset = (published.weekday() - target) % 7
        if match.group(0).lower().startswith("last "):
            offset = offset or 7
        if _LAST_WEEK_ON.search(text, max(0, match.start() - 20), match.start()):
            offset += 7  # "last week on Tuesday": the Tuesday of the week before
    return FieldValue(published - dt.timedelta(days=offset), 0.8, evidence)
