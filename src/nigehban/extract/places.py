"""Where the attack happened: place mentions in the text, resolved through the geography layer.

:class:`PlaceExtractor` takes a :class:`~nigehban.geo.resolver.Resolver` (with or without
boundaries: without them only province, place and coordinates come out) and finds, in order:

0. **A register's place field**: "Place: Sector 11-1/2, Orangi Town, PS Pakistan Bazar, District West."
   (police and CTD registers): the first part that is a known place with a district.
1. **Address chains** ending in the country: "in Bannu, North-West Frontier, Pakistan", "in the
   Inayat Kali area of Bajaur, Federally Administered Tribal Areas, Pakistan" (the GTD and agency
   style). The comma parts are read as place, district, province; words before the last
   preposition of the first part ("Mulla Gori in Tehsil Jamrod in Khyber") are kept as detail, which
   the resolver scans for a more specific place inside what it resolved. Confidence: the resolver's.
2. **A district and province in brackets**: "in Gul Imam area (Tank, KP)", "Karachi University
   (Karachi East, Sindh)" (the style of event datasets' notes). Confidence: the resolver's.
3. **Datelines**: "PESHAWAR: ...", "QUETTA, Jan 5 (Reuters) - ..." (the news style).
4. **Gazetteer mentions**: capitalised names of one to four words that are gazetteer keys, in a
   place context ("in Lahore", "Peshawar's Hayatabad area", "in the Kurram Agency of FATA",
   "Karachi's Orangi Town", "near Quetta"); the first place-context mention is taken, with the
   district or province named next to it ("X's Y", "Y of X", "Y in X", "Y, X") as its parent.
   Names in "40 km from Quetta" are skipped (the event is elsewhere). Confidence: the resolver's,
   times 0.9.

Fields: ``province`` (canonical name), ``district_pcode``, ``district``, ``place`` (the most specific
name matched), ``latitude``, ``longitude`` (the matched place's point; its precision is what the
resolver says), each with the evidence span of the mention.

Read past (unless nothing else is named): what the attackers said they avenged ("revenge for the
operation in North Waziristan") and sentences about earlier years ("during the last two years").
A city of several districts (Karachi) gives way to a place inside it named in the report.

Caveats: a report naming several places ("militants from Khyber attacked a post in Peshawar")
gives the first one in a place context; names that are also common words are only taken when
capitalised and in a place context.

Example:
    >>> from nigehban.geo.gazetteer import Gazetteer
    >>> from nigehban.geo.resolver import Resolver
    >>> places = PlaceExtractor(resolver=Resolver(boundaries=None, gazetteer=Gazetteer.build(boundaries=None)))
    >>> found = places.extract("A bomb exploded outside a mosque in Quetta, Pakistan, on Friday.")
    >>> found["province"].value, found["place"].value, found["place"].evidence.text
    ('Balochistan', 'Quetta', 'Quetta, Pakistan')
"""

from __future__ import annotations

import dataclasses
import re

from nigehban.extract.candidate import Evidence, FieldValue, quoted_from
from nigehban.extract.segment import blank_grievances
from nigehban.geo.gazetteer import place_key
from nigehban.geo.resolution import PlaceQuery, Resolution
from nigehban.geo.resolver import Resolver
from nigehban.taxonomy import canonical_province

__all__ = ["PlaceExtractor"]

_CAP = r"[A-Z][\w.-]*"
_CHAIN = re.compile(r"(?P<chain>(?:[^,.;:!?\n]{1,80},\s*){1,4}?)\s*(?:Pakistan|Pakistani\s+Kashmir)\b(?!\s*['’]s)")
_PREPOSITION = re.compile(
    r"^.*\b(?:in|at|near|of|outside|inside|from|on|to|into|between|within)\s+(?:the\s+)?", re.DOTALL | re.IGNORECASE
)
_DISTANCE = re.compile(r"\b\d+\s*(?:km|kms|kilometers?|kilometres?|miles?)\b", re.IGNORECASE)
_DATELINE = re.compile(
    r"^\s*(?P<name>[A-Z][A-Z .'-]{2,30}?)\s*(?:,\s*Pakistan(?=,))?(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}\b[^:\n-]*)?"
    r"(?:,\s*Pakistan)?\s*(?:\((?:Reuters|AP|AFP|APP|PPI|NNI|INP|Online|DPA|Xinhua|dpa)\)\s*)?[:—–-]\s"
)
# A register's labelled place: "Place: Sector 11-1/2, Orangi Town, PS Pakistan Bazar, District West."
_PLACE_LABEL = re.compile(
    r"(?:^|(?<=[\n.;]\s)|(?<=\n))\s*(?:Place(?:\s+of\s+(?:occurrence|incident))?|Location|Venue|Spot)\s*:\s*"
    r"(?P<value>[^\n;]{3,160}?)(?=\.\s|\.$|\n|;|$)",
    re.IGNORECASE,
)
_LABEL_PREFIX = re.compile(r"^(?:(?:near|at|in|outside)\s+(?:the\s+)?|(?:PS|P\.S\.|Police\s+Station)\s+)", re.I)
_DIVISION_AFTER = re.compile(r"\s+[Dd]ivision\b")
_LINE_START = re.compile(r"(?:^|\n)[ \t]*$")
# A sentence about earlier years, whose places are not the attack's: "the city has witnessed several attacks on polio
# teams in Gadap, Orangi and Baldia towns during the last two years"
_BACKGROUND_SENTENCE = re.compile(
    r"(?:(?<=[.!?]\s)|(?<=\n))[^.!?\n]*\b(?:(?:in|during|over)\s+the\s+(?:last|past)\s+(?:\w+\s+)?(?:years?|months?|decades?)"
    r"|in\s+recent\s+(?:years|months)|(?:has|have)\s+(?:witnessed|seen|suffered)\s+(?:several|many|a\s+series|dozens|repeated))"
    r"\b[^.!?\n]*",
    re.IGNORECASE,
)
# The dateline's town named again in the body: "MARDAN: ... at the gate of the Nadra office here on Tuesday"
_HERE = re.compile(r"\b(?:here|in\s+the\s+city)\b(?!\s+(?:is|are|was|were)\b)", re.IGNORECASE)
# What follows a wire dateline written as an address: "PESHAWAR, Pakistan (AFP) —", "PESHAWAR, Pakistan, July 31
# (Reuters) -"
_WIRE_AFTER = re.compile(
    r"\s*(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,?\s+\d{4})?)?\s*(?:\([A-Za-z]{2,10}\)\s*)?[—–:-]\s"
)
# The headline form of a dateline: "Karachi: Cop killed in targeted attack", "DI Khan: three policemen martyred".
_DATELINE_TITLE = re.compile(r"^\s*(?P<name>[A-Z][A-Za-z.]*(?:[ .-]+[A-Z][a-z.]*){0,2})\s*:\s")
# A monitoring report's entry: "Bannu, KP – 14 March 2023: ...", "Tank – 2 Feb 2024: ...",
# "Khyber (Bara), 11 Jan 2024 – ...".
_DATELINE_DATED = re.compile(
    r"^\s*(?P<name>[A-Z][A-Za-z.]*(?:[ .-]+[A-Z][a-z.]*){0,2})(?:\s*\([^()\n]{2,40}\))?"
    r"(?:,\s*(?:KP|KPK|K-P|Khyber Pakhtunkhwa|Balochistan|Sindh|Punjab|FATA|GB|AJK|ICT|Pakistan))?\s*[,–—-]\s*"
    r"(?:\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]{2,8}\.?,?|[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?)\s+\d{4}\s*[:–—-]\s"
)
_NAME = re.compile(_CAP + r"(?:[\s-]+(?:" + _CAP + r"|(?:e|i|ul|ud|al|ur|de)\b))*")
_POSSESSIVE = re.compile(r"(?:['’]|\u00e2\u0080\u0099)s\b")
_CONTEXT = re.compile(
    r"(?:\bPakistan(?:['’]|\u00e2\u0080\u0099)s\s+(?:(?:restive|northwestern|northern|southern|southwestern|"
    r"northwest|eastern|western|central|port|tribal|troubled|volatile|largest|main|commercial|capital|city|"
    r"town|province|region|of|the|hub|cultural|garrison|provincial)\s+)*$|"
    r"\b(?:in|at|near|outside|inside|of|from|on|into|district|city|town|village|area|agency|tehsil)\s+"
    r"(?:the\s+)?(?:(?:city|town|village|district|area|outskirts|suburbs?|province|region)\s+of\s+)?"
    # "in the city's Gulshan-e-Iqbal area", "the provincial capital's Hayatabad"
    r"|\bthe\s+(?:provincial\s+)?(?:city|town|capital|metropolis|district)(?:['’]|\u00e2\u0080\u0099)s\s+)$",
    re.IGNORECASE,
)
_JOURNEY = re.compile(
    r"\b(?:travell?ing|going|returning|heading|on\s+(?:their|his|her|its)\s+way)\s+from\s+(?:the\s+)?$", re.I
)
# A landmark named after a place, with no place given for it ("near the Tank Adda", "at Pishin Stop"): in the
# dateline's city if there is one, at the named place only if nothing else is named
# ("Lahore park" is a park in Lahore, "Gulshan-e-Iqbal Park" one named after a place)
_LANDMARK_NOUN = re.compile(
    r"\s+(?:Adda|Chowk|Bus\s+Stop|Stop|Bazaar|Road|Gate|Bridge|Interchange|Bypass|Toll\s+Plaza|Mor|Morr|(?-i:Park))\b",
    re.IGNORECASE,
)
# Where a victim came from, not where the attack was: "Sepoy Irfan (age 24 years, resident of District Kurram)",
# "a native of Swat", "hailing from Mardan"
_HOME = re.compile(
    r"\b(?:residents?|natives?|hail(?:ed|ing|s)|belong(?:ed|ing|s)?|domiciled)\s+(?:of|from|to|in)\s+"
    r"(?:the\s+)?(?:district\s+)?$",
    re.IGNORECASE,
)
# An event dataset's note: "(Tank, KP)", "(Karachi East, Sindh)", "(North Waziristan, Khyber Pakhtunkhwa)"
_BRACKETED = re.compile(
    r"\((?P<district>[A-Z][A-Za-z.' -]{1,40}?),\s*(?P<province>KP|KPK|K-P|Khyber\s+Pakhtunkhwa|Balochistan"
    r"|Baluchistan|Sindh|Punjab|Islamabad(?:\s+Capital\s+Territory)?|ICT|GB|Gilgit-Baltistan|AJK|Azad\s+Kashmir)\)"
)
_LOCALITY = r"(?:area|colony|bazaa?r|road|chowk|stop|mohallah?|town|locality|hills?)"
_LOCALITY_WORD = re.compile(r"\b" + _LOCALITY + r"$", re.IGNORECASE)
_LOCALITY_AFTER = re.compile(r"\s+" + _LOCALITY + r"\b", re.IGNORECASE)
_HASHTAG = re.compile(r"#(?=[A-Z])")
_CAPITAL = "Islamabad Capital Territory"
_DISTRICT_BEFORE = re.compile(
    r"(?P<name>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,2})(?:\s+(?:district|District|agency|Agency))?\s+(?:of|in)\s+"
    r"(?:the\s+)?$"
)
# "in the Jandol area of lower Dir district", "in the north Waziristan tribal region": the name in lower case
_LOWER_CASE_PART = re.compile(r"\b(?:lower|upper|north|south)(?=\s+(?:Dir|Waziristan|Kohistan|Chitral|Kurram)\b)")
_RELATIVE = re.compile(r"\b(?:km|kms|kilometers?|kilometres?|miles?)\s+(?:\w+\s+){0,2}(?:of|from)\s+$", re.IGNORECASE)
_SKIP_NAMES = frozenset(
    (  # noqa: SIM905 (a word list reads better as text)
        "pakistan pakistani afghanistan afghan india indian iran the a an on in at police army taliban monday "
        "tuesday wednesday thursday friday saturday sunday january february march april may june july august "
        "september october november december shiite sunni muslim islamic government state"
    ).split(" ")
)
_ANYWHERE_SKIP = frozenset(
    (  # noqa: SIM905 (a word list reads better as text)
        "shiite shia sunni taliban muslim muslims christian hindu sikh ahmadi police army frontier corps "
        "levies rangers al jamaat lashkar tehrik sipah allah mohammad muhammad ali khan shah hussain ahmed "
        "ahmad"
    ).split(" ")
)
_PROVINCE_NAME = re.compile(
    r"\b(?:Balochistan|Baluchistan|Sindh|Punjab|Khyber[\s-]+P[au]khtu?o?o?nkhwa|North[\s-]*West[\s-]+Frontier(?:\s+Province)?|"
    r"Bolochistan|Pakistani[\s-]+(?:administered\s+(?:area\s+of\s+)?)?Kashmir|"
    r"NWFP|Federally\s+Administered\s+Tribal\s+Areas|FATA|Gilgit[\s-]+Baltistan|Azad\s+(?:Jammu\s+and\s+)?Kashmir|"
    r"Islamabad)\b"
)
# "northwest Pakistan": the province most reports mean by the region (a weak guess, confidence 0.5)
_REGIONS = {
    "northwest": "Khyber Pakhtunkhwa",
    "northwestern": "Khyber Pakhtunkhwa",
    "north": "Khyber Pakhtunkhwa",
    "northern": "Khyber Pakhtunkhwa",
    "southwest": "Balochistan",
    "southwestern": "Balochistan",
    "south": "Sindh",
    "southern": "Sindh",
    "east": "Punjab",
    "eastern": "Punjab",
    "central": "Punjab",
}
_REGION = re.compile(
    r"\b(?P<direction>north-?west(?:ern)?|north(?:ern)?|south-?west(?:ern)?|south(?:ern)?|east(?:ern)?|central)\s+"
    r"Pakistan\b",
    re.IGNORECASE,
)
# "Abbas Town, a Shia neighbourhood of Karachi": the place described, then where it lies
_APPOSITION = re.compile(
    r"\s*,\s*(?:a|an)\s+(?:[\w-]+\s+){0,4}?(?:neighbou?rhood|suburb|locality|town|village|area|district|city|"
    r"hamlet|settlement|part|tehsil|sub-?division|valley)\s+(?:of|in)\s+(?:the\s+)?"
    r"(?P<name>" + _NAME.pattern + r")"
)
# A place opening a headline as a modifier: "Peshawar mosque blast: ...", "Quetta blast kills 3".
_HEADLINE_MODIFIER = re.compile(
    r"\s+(?:\w+\s+){0,2}?(?:attack|attacks|blast|blasts|bombing|bombings|explosion|suicide|firing|shooting|ambush|"
    r"mosque|church|shrine|police|market|bazaar|court|school|hospital|rally|carnage|tragedy|massacre|siege|raid|"
    r"grenade|rocket|mortar|IED|terror|militants?|violence|killings?)\b"
)
_GENERIC_TAIL = re.compile(
    r"\s+(?:area|areas|town|city|district|village|agency|tehsil|bazaar|bazar|market|region|locality|province)$",
    re.IGNORECASE,
)


class PlaceExtractor:
    """Finds and resolves the place of an attack in a text (see the module notes)."""

    def __init__(self, *, resolver: Resolver) -> None:
        self.resolver = resolver
        self._known: dict[str, bool] = {}

    def extract(self, text: str) -> dict[str, FieldValue]:
        """Place fields of the attack ``text`` reports; empty when no place is found.

        A hashtag is read as its word ("#Peshawar", "in #DIKhan"). The finders run in order of reliability.
        One that gives only a province ("in downtown Lahore, Punjab Province, Pakistan" read as Punjab) is kept
        while the later ones look for a district in that province ("Lahore"); the first district found wins,
        else the first province.
        """
        plain = _HASHTAG.sub(" ", text)  # the mark blank, so that offsets stay the text's
        plain = _LOWER_CASE_PART.sub(lambda match: match.group(0).capitalize(), plain)
        # "the attack was revenge for the military's operation in North Waziristan": where the grievance arose,
        # not the attack (up to the clause's end: "In retaliation for ..., militants attacked ... in Bannu") --
        # unless the report names no other place ("in retaliation for operations against them in the Swat Valley")
        # ... nor the background of earlier years: "the city has witnessed several attacks on polio teams in Gadap,
        # Orangi and Baldia towns during the last two years"
        avenged = _BACKGROUND_SENTENCE.sub(lambda match: " " * len(match.group(0)), blank_grievances(plain))
        fields = self._extract(avenged)
        if "district_pcode" not in fields and avenged != plain:
            fields = self._extract(plain) or fields
        return fields if plain == text else quoted_from(fields, text)

    def _extract(self, text: str) -> dict[str, FieldValue]:
        first: tuple[Resolution, Evidence, str | None, float] | None = None
        for finder in (
            self._labelled,
            self._chain,
            self._bracketed,
            self._dateline,
            self._mentions,
            self._anywhere,
            self._province_only,
        ):
            found = finder(text, within=first[0] if first is not None else None)
            if found is None:
                continue
            resolution, evidence, place, factor = found
            if resolution.method == "none" or resolution.province is None:
                continue
            if resolution.district_pcode is None and place is not None:
                resolution = self._district_of_town(resolution, place)
            if resolution.district_pcode is None and resolution.province == _CAPITAL:
                resolution = self._capital_district(resolution)
            if _elsewhere(resolution, first[0] if first is not None else None):
                continue  # a place elsewhere than the province the report names
            if resolution.district_pcode is not None:
                return _fields(resolution, evidence, place, factor)
            if first is None:
                first = (resolution, evidence, place, factor)
        return _fields(*first) if first is not None else {}

    # ------------------------------------------------------------------------------------ finders

    def _chain(
        self, text: str, within: Resolution | None = None
    ) -> tuple[Resolution, Evidence, str | None, float] | None:
        del within  # the chain is read first: nothing to agree with yet
        for match in _CHAIN.finditer(text):
            chain = match["chain"]
            if _LINE_START.search(text, 0, match.start("chain")) and _WIRE_AFTER.match(text, match.end()):
                continue  # "PESHAWAR, Pakistan (AFP) — ...": a wire dateline (after a headline), where it was filed
            parts = [part.strip() for part in chain.split(",") if part.strip()]
            # keep the parts that look like names, from the end (the country side) backwards
            kept: list[str] = []
            detail = None
            for part in reversed(parts):
                if _DISTANCE.search(part):
                    continue  # "25 kilometers west of Islamabad": the place is the part before
                head = _PREPOSITION.sub("", part)
                if not head or not head[0].isupper():
                    break
                kept.insert(0, head)
                if head != part:
                    detail = part
                    break
            if not kept:
                continue
            locality = bool(_LOCALITY_WORD.search(kept[0]))  # "the Pishin area, Quetta": Quetta's, not Pishin
            head = kept[0]
            kept = [self._as_known(part) for part in kept]
            province = kept[-1] if len(kept) > 1 and _province(kept[-1]) else None
            names = kept[:-1] if province else kept
            place = names[0] if names else None
            district = names[1] if len(names) > 1 else None
            if place is None and province is None:
                continue
            if place is not None and district is None and " of " in (detail or ""):
                # "the Inayat Kali area of Bajaur": the district is the name after "of"
                pass
            query = PlaceQuery(place=place, district=district, province=province, detail=detail)
            resolution = self.resolver.resolve(query)
            if district is not None and not locality:
                resolution = self._own_district(place, resolution)
            before = (
                self._district_before(detail, head, resolution) if detail is not None and district is None else None
            )
            if before is not None:
                resolution, place = before
            if resolution.district_pcode is None and province is not None:
                resolution = self._district_elsewhere((district, place), province) or resolution
            if resolution.method == "none" and place is not None:
                continue
            start = match.start("chain") + len(chain) - len(chain.lstrip())
            offset = chain.find(kept[0])
            if offset >= 0:
                start = match.start("chain") + offset
            return resolution, Evidence(start, match.end(), text[start : match.end()]), place or province, 1.0
        return None

    def _labelled(
        self, text: str, within: Resolution | None = None
    ) -> tuple[Resolution, Evidence, str | None, float] | None:
        """A register's place field: "Place: Sector 11-1/2, Orangi Town, PS Pakistan Bazar, District West." -- the
        first of its parts that is a known place with a district (a police station's name without "PS")."""
        del within  # read before any other finder
        for match in _PLACE_LABEL.finditer(text):
            offset = match.start("value")
            for part in match["value"].split(","):
                start = offset + len(part) - len(part.lstrip())
                offset += len(part) + 1
                name = _LABEL_PREFIX.sub("", part.strip())
                if not name or not name[0].isupper() or not self._known_name(name):
                    continue
                resolution = self.resolver.resolve(PlaceQuery(place=name))
                if resolution.method == "name" and resolution.district_pcode is not None and not resolution.flags:
                    end = start + len(part.strip())
                    return resolution, Evidence(start, end, text[start:end]), name, 1.0
        return None

    def _bracketed(
        self, text: str, within: Resolution | None = None
    ) -> tuple[Resolution, Evidence, str | None, float] | None:
        for match in _BRACKETED.finditer(text):
            province = _canonical_or_none(match["province"])
            resolution = self.resolver.resolve(PlaceQuery(district=match["district"], province=province))
            if resolution.district_pcode is None or resolution.province != province or _elsewhere(resolution, within):
                continue
            return resolution, Evidence(match.start(), match.end(), match.group(0)), match["district"], 1.0
        return None

    def _dateline(
        self, text: str, within: Resolution | None = None
    ) -> tuple[Resolution, Evidence, str | None, float] | None:
        match = _DATELINE.match(text) or _DATELINE_TITLE.match(text) or _DATELINE_DATED.match(text)
        if not match:
            return None
        name = match["name"].strip().title()
        resolution = self.resolver.resolve_text(name)
        if resolution.method == "none":
            return None
        here = resolution, Evidence(match.start("name"), match.end("name"), match["name"]), name, 0.85
        if (
            resolution.district_pcode is not None
            and _HERE.search(text, match.end(), match.end() + 300)
            and not self._districts_of_city(name)  # "KARACHI: ... in Orangi Town here" says which district
        ):
            return here  # "MARDAN: ... blew himself up at the gate of the Nadra office here on Tuesday"
        # the dateline is where the report was filed; a place in the body is more specific: one in the
        # dateline's province first, else one elsewhere ("ISLAMABAD (Reuters) - ... attacked in Besham")
        better = self._mentions(text, within=resolution, origins=False, landmarks=False)
        if better is None or better[0].district_pcode is None:
            elsewhere = self._mentions(text[match.end() :], origins=False, landmarks=False)
            if elsewhere is not None and elsewhere[0].district_pcode is not None:
                resolution_, evidence, place, factor = elsewhere
                shifted = Evidence(evidence.start + match.end(), evidence.end + match.end(), evidence.text)
                return resolution_, shifted, place, factor
        better = better or self._mentions(text, within=resolution, landmarks=False)
        if better is not None and (better[0].district_pcode is not None or resolution.district_pcode is None):
            return better  # not a mention of the province only ("PESHAWAR: ... the Khyber Pukhtunkhwa police")
        return here

    def _anywhere(
        self, text: str, within: Resolution | None = None
    ) -> tuple[Resolution, Evidence, str | None, float] | None:
        """Last resort: the first capitalised name of a district or town, wherever it stands -- also inside a longer
        run of capitalised words ("PS City Kohat", "Report from PS Saddar Bannu")."""
        fallback: tuple[Resolution, Evidence, str | None, float] | None = None
        for match in _NAME.finditer(text):
            spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", match.group(0))]
            first = 0
            while first < len(spans):
                taken = 1
                for size in range(min(4, len(spans) - first), 0, -1):
                    begin, end = match.start() + spans[first][0], match.start() + spans[first + size - 1][1]
                    end = begin + len(_without_full_stop(text[begin:end]))
                    name = " ".join(text[begin:end].split())
                    if name.lower() in _SKIP_NAMES or (
                        match.start() == 0 and size == 1 and len(spans) == 1 and not _HEADLINE_MODIFIER.match(text, end)
                    ):
                        continue  # a capitalised first word is no place, unless it modifies a headline's noun
                    if name.lower() in _ANYWHERE_SKIP or not self._known_name(name):
                        continue
                    if _HOME.search(text, max(0, begin - 40), begin):
                        break  # a victim's home ("Sepoy Imran Khan (age 22 years, resident of District Bannu)")
                    resolution = self.resolver.resolve(PlaceQuery(place=name))
                    if resolution.method not in ("name",) or resolution.province is None:
                        continue
                    # a name found is read whole: "Khyber Pakhtunkhwa" is the province, not Khyber district
                    taken = size
                    if _elsewhere(resolution, within):
                        break
                    found = resolution, Evidence(begin, end, text[begin:end]), name, 0.6
                    if resolution.district_pcode is not None:
                        return found
                    fallback = fallback or found  # a province named first ("Punjab, the town of Bhakkar")
                    break
                first += taken
        return fallback

    def _province_only(
        self, text: str, within: Resolution | None = None
    ) -> tuple[Resolution, Evidence, str | None, float] | None:
        """A province named anywhere ("Pakistan's Bolochistan province"), else a region ("northwest Pakistan")."""
        del within  # a province named in the text: extract() checks it agrees
        match = _PROVINCE_NAME.search(text)
        province = None
        confidence = 0.8
        if match:
            spelling = match.group(0)
            if re.search(r"(?i)kashmir", spelling):
                province = "Azad Kashmir"
            else:
                try:
                    province = canonical_province(re.sub(r"(?i)^bolo", "Balo", spelling))
                except KeyError:
                    province = None
        if province is None:
            match = _REGION.search(text)
            if not match:
                return None
            province, confidence = _REGIONS[match["direction"].lower().replace("-", "")], 0.5
        if match is None:
            return None
        resolution = Resolution(province=province, precision="province", confidence=confidence, method="province")
        return resolution, Evidence(match.start(), match.end(), match.group(0)), None, 1.0

    def _capital_district(self, resolution: Resolution) -> Resolution:
        """A place in the capital territory, which is one district ("Bani Gala, Islamabad Capital Territory")."""
        capital = self.resolver.resolve(PlaceQuery(place="Islamabad", province=_CAPITAL))
        if capital.district_pcode is None or capital.province != _CAPITAL:
            return resolution
        return dataclasses.replace(resolution, district_pcode=capital.district_pcode, district=capital.district)

    def _districts_of_city(self, name: str) -> set[str]:
        """The districts of a city that spans several (Karachi), empty for any other place."""
        return {
            pcode
            for match in self.resolver.gazetteer.lookup(name)
            if not match.fuzzy and len(match.spans) > 1
            for pcode in match.spans
        }

    def _district_of_town(self, resolution: Resolution, place: str) -> Resolution:
        """A name that resolved to a unit without a district (a tehsil of the alias table): its town's district."""
        gazetteer = self.resolver.gazetteer
        districts = {
            match.place.district_pcode
            for match in gazetteer.lookup(place, province=resolution.province)
            if match.place.district_pcode is not None and not match.fuzzy
        }
        if len(districts) != 1:
            return resolution
        pcode = districts.pop()
        return dataclasses.replace(resolution, district_pcode=pcode, district=gazetteer.district_names.get(pcode))

    def _districts_named(self, name: str) -> set[str]:
        """The districts that have ``name`` as their own name or alias (not a GeoNames alternate)."""
        return {
            match.place.district_pcode or match.place.name
            for match in self.resolver.gazetteer.lookup(name)
            if match.place.kind == "district" and match.name_kind != "alternate"
        }

    def _own_district(self, place: str | None, resolution: Resolution) -> Resolution:
        """A place that is itself a district's name ("Kohat", "Tank", "Buner"), resolved into another district
        that does not hold it ("in Tank, South Waziristan", "in Buner, Khyber Agency", "Kohat, Khyber"): the
        district named exactly wins over the name beside it, which is a neighbour or a province's short form."""
        if place is None or resolution.district_pcode is None:
            return resolution
        districts = self._districts_named(place)
        if len(districts) != 1 or resolution.district_pcode in districts:
            return resolution
        own = self.resolver.resolve(PlaceQuery(place=place))
        if own.district_pcode is None or own.district_pcode == resolution.district_pcode:
            return resolution
        if own.province != resolution.province:
            return resolution  # a namesake far away ("Qambar, Mingora": a locality of Swat, not the Sindh district)
        flag = f"{place!r} is a district of its own, not part of {resolution.district}; kept {place!r}"
        return dataclasses.replace(own, confidence=own.confidence * 0.9, flags=(flag, *own.flags))

    def _district_before(self, detail: str, head: str, resolution: Resolution) -> tuple[Resolution, str] | None:
        """A district named just before the chain's head, which is another district: "in the Tank district of the
        North Waziristan region", "in Shah Hasan Khan in Lakki Marwat of Bannu", "in the Sheedo area of Nowshera
        district in Khyber" -- the first is where the attack was; the second a region, division or the province's
        short name."""
        if resolution.district_pcode is None or not detail.endswith(head):
            return None
        before = _DISTRICT_BEFORE.search(detail[: len(detail) - len(head)])
        if before is None or len(self._districts_named(before["name"])) != 1:
            return None
        named = self.resolver.resolve(PlaceQuery(place=before["name"]))
        if (
            named.method != "name"
            or named.district_pcode is None
            or named.district_pcode == resolution.district_pcode
            or named.province != resolution.province
        ):
            return None
        flag = f"{before['name']!r} is a district named before {head!r}; kept {before['name']!r}"
        return dataclasses.replace(named, confidence=named.confidence * 0.9, flags=(flag, *named.flags)), before["name"]

    def _district_elsewhere(self, names: tuple[str | None, ...], province: str) -> Resolution | None:
        """A district named exactly, in another province than the chain states ("Bagzai area, Kurram Agency,
        Balochistan"; "Kashmore, Balochistan"): the report is surer of its district than of its province.

        (The resolver keeps a stated province against a *place* named elsewhere -- most such places are
        namesakes -- and so do the importers; a district's name is distinct enough to outweigh it.)
        """
        for name in names:
            if name is None:
                continue
            if len(self._districts_named(name)) != 1:
                continue
            resolution = self.resolver.resolve(PlaceQuery(place=name))
            if resolution.district_pcode is not None and resolution.province != _canonical_or_none(province):
                flag = f"{name!r} is a district of {resolution.province}, not of {province}; kept the district"
                # the contradiction lowers the confidence, so that a reviewer sees the place is in doubt
                return dataclasses.replace(
                    resolution, confidence=resolution.confidence * 0.8, flags=(flag, *resolution.flags)
                )
        return None

    def _as_known(self, name: str) -> str:
        """The name as written where the gazetteer knows it so ("Jamshed Town", a listed place), else without its
        generic word ("Hangu district" -> "Hangu")."""
        stripped = _GENERIC_TAIL.sub("", name)
        if stripped != name and self.resolver.gazetteer.lookup_key(place_key(name)):
            return name
        return stripped

    def _known_name(self, name: str) -> bool:
        known = self._known.get(name)
        if known is None:
            known = bool(self.resolver.gazetteer.lookup(name))
            self._known[name] = known
        return known

    def _unknown_in_district(
        self, text: str, match: re.Match[str], within: Resolution | None
    ) -> tuple[Resolution, Evidence, str | None, float] | None:
        """The district named right after a name the gazetteer does not know ("Boya, North Waziristan")."""
        parent, parent_end = _parent(text, match.end(), False)
        if parent is None or parent_end is None or not self._known_name(parent):
            return None
        resolution = self.resolver.resolve(PlaceQuery(place=parent))
        if resolution.district_pcode is None or resolution.flags or _elsewhere(resolution, within):
            return None  # not a district known for sure ("the shrine of Pir Rakhel Shah in Fatehpur": two Fatehpurs)
        return resolution, Evidence(match.start(), parent_end, text[match.start() : parent_end]), parent, 0.85

    def _mentions(
        self, text: str, within: Resolution | None = None, *, origins: bool = True, landmarks: bool = True
    ) -> tuple[Resolution, Evidence, str | None, float] | None:
        """The first place named in a place context (see the module notes); with ``origins=False`` never a
        journey's start ("travelling from Islamabad to ..."), with ``landmarks=False`` never the place a landmark
        is named after ("in the Tank Adda area of the city")."""
        fallback: tuple[Resolution, Evidence, str | None, float] | None = None
        origin: tuple[Resolution, Evidence, str | None, float] | None = None
        landmark: tuple[Resolution, Evidence, str | None, float] | None = None
        village: tuple[Resolution, Evidence, str | None, float] | None = None
        # a city of several districts ("at the University of Karachi ... in the city's Gulshan-e-Iqbal area"): a later
        # place inside it says which
        city: tuple[Resolution, Evidence, str | None, float] | None = None
        city_districts: set[str] = set()
        for match in _NAME.finditer(text):
            before = text[max(0, match.start() - 40) : match.start()]
            possessive = bool(_POSSESSIVE.match(text, match.end()))
            # "of PS Mochko, District Keamari": a district named as one is its own context
            named_district = match.group(0).startswith("District ")
            in_context = _CONTEXT.search(before) or possessive or named_district
            if not in_context or _RELATIVE.search(before) or _HOME.search(before):
                continue
            if _DIVISION_AFTER.match(text, match.end()):
                continue  # "parts of Nasirabad division": several districts
            # "travelling from Islamabad to the Dasu project ... attacked in Besham": a journey's start is where
            # the victims came from, taken only when no other place is named
            journey = bool(_JOURNEY.search(before))
            words = match.group(0).split()
            # the longest known name starting at the match: "Dera Ismail Khan" before "Dera"
            name = None
            for size in range(min(4, len(words)), 0, -1):
                candidate = self._as_known(_without_full_stop(" ".join(words[:size])))
                if candidate.lower() not in _SKIP_NAMES and self._known_name(candidate):
                    name = candidate
                    break
            if name is None:
                # a village unknown to the gazetteer in a district that is known: "in general area Boya, North
                # Waziristan District", "at Government High School, Peshawar" (taken when no district is found
                # by a known name)
                if village is None and not (possessive or journey):
                    village = self._unknown_in_district(text, match, within)
                continue
            start = match.start()
            end = start + len(name)
            parent, parent_end = _parent(text, match.end(), possessive)
            if possessive and parent is not None:
                # "Peshawar's Hayatabad area": the name is the district, the next one the place
                query = PlaceQuery(place=parent, district=name)
            else:
                query = PlaceQuery(place=name, district=parent)
            resolution = self.resolver.resolve(query)
            if resolution.method == "fuzzy" and possessive and parent is not None:
                # "Karachi's Orangi Town" with Orangi unknown: the city named exactly, not a look-alike
                exact = self.resolver.resolve(PlaceQuery(place=name))
                if exact.method == "name":
                    resolution, query, parent_end = exact, PlaceQuery(place=name), None
            parent_unknown = parent is not None and not self._known_name(parent)
            if resolution.method == "none" and parent is not None:
                resolution = self.resolver.resolve(PlaceQuery(place=name))
                parent_end, parent_unknown = None, True
            elif (
                parent is not None
                and not possessive
                and not _LOCALITY_AFTER.match(text, end)
                and not _LANDMARK_NOUN.match(text, end)  # "near Pishin bus stop in Quetta" is Quetta's
            ):
                resolution = self._own_district(name, resolution)  # "in Tank, South Waziristan"
            if resolution.method == "none":
                continue
            if _elsewhere(resolution, within):
                continue
            end = max(end, parent_end or end)
            found = resolution, Evidence(start, end, text[start:end]), query.place, 0.9
            if journey:
                origin = origin or found
                continue
            # "in Gulshan-e-Iqbal Park in Allama Iqbal Town of Lahore": a landmark named after a place, where it
            # lies is said next
            if (parent is None or parent_unknown) and _LANDMARK_NOUN.match(text, start + len(name)):
                landmark = landmark or (found if landmarks else None)
                continue
            if city is not None:
                if village is not None and village[0].district_pcode in city_districts:
                    return village  # "in Sherpao Colony, Landhi": a place inside the city named before this one
                if resolution.district_pcode in city_districts and resolution.district_pcode != city[0].district_pcode:
                    return found
                continue
            if resolution.district_pcode is not None:
                city_districts = self._districts_of_city(query.place or name)
                if city_districts:
                    city = found
                    continue
                return found
            # a province or a place without a district ("in Khyber Pakhtunkhwa, ... near Karak"): a later
            # mention may name the district
            fallback = fallback or found
        if city is not None and village is not None and village[0].district_pcode in city_districts:
            return village
        return city or landmark or village or fallback or (origin if origins else None)


def _canonical_or_none(province: str) -> str | None:
    """The canonical name of a province as written, ``None`` if it is none."""
    try:
        return canonical_province(province)
    except KeyError:
        return None


def _elsewhere(resolution: Resolution, within: Resolution | None) -> bool:
    """Whether a place lies outside the province already found for the report."""
    return within is not None and within.province is not None and resolution.province != within.province


def _without_full_stop(name: str) -> str:
    """A name without the sentence's full stop ("... near Karak." -> "Karak"), keeping an abbreviation's ("D.I.")."""
    if name.endswith(".") and not re.search(r"(?:^|[\s.])\w{1,2}\.$", name):
        return name[:-1]
    return name


def _parent(text: str, end: int, possessive: bool) -> tuple[str | None, int | None]:
    """The name right after a mention: "X's Y", "Y of X", "Y in X", "Y, X"."""
    after = text[end : end + 60]
    if possessive:
        found = re.match(r"(?:['’]|\u00e2\u0080\u0099)s\s+(?P<name>" + _NAME.pattern + r")", after)
    else:
        found = re.match(
            # "Y in X", "Y, X", "the Y area of X"; and a landmark named after another place: "near Pishin bus stop
            # in Quetta" is in Quetta
            r"(?:\s+(?:area|town|village|locality|tehsil|agency|district|bazaar|market|city|bus\s+stop|stop|chowk"
            r"|road|gate|bridge|adda|check\s?post|crossing|bypass|interchange|square|colony|mohallah))?"
            r"(?:\s+(?:of|in)\s+(?:the\s+)?|\s*,\s*)(?P<name>" + _NAME.pattern + r")",
            after,
        ) or _APPOSITION.match(text, end, end + 90)
    if not found:
        return None, None
    # the name ends with its sentence: "..., North Waziristan District. Own troops responded"
    raw = re.split(r"(?<=\w\w)\.\s", found["name"], maxsplit=1)[0]
    name = _GENERIC_TAIL.sub("", _without_full_stop(raw))
    if name.lower() in _SKIP_NAMES or name.lower().startswith("pakistan"):
        return None, None
    name_end = found.start("name") + len(raw)
    return name, name_end if found.re is _APPOSITION else end + name_end


def _province(text: str) -> bool:
    for spelling in (text, _GENERIC_TAIL.sub("", text)):
        try:
            if canonical_province(spelling) is not None:
                return True
        except KeyError:  # not a province name
            continue
    return False


def _fields(resolution: Resolution, evidence: Evidence, place: str | None, factor: float) -> dict[str, FieldValue]:
    confidence = round(resolution.confidence * factor, 3)
    values = {
        "province": resolution.province,
        "district_pcode": resolution.district_pcode,
        "district": resolution.district,
        "place": place,
        "latitude": resolution.latitude,
        "longitude": resolution.longitude,
    }
    return {name: FieldValue(value, confidence, evidence) for name, value in values.items() if value is not None}
