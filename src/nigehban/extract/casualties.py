"""How many were killed and wounded, split into victims and attackers; security forces among them; duration.

:func:`extract_casualties` reads casualty counts with rules over the text:

- **Counts** are digits (``25``, ``1,200``), number words (``twenty-five``, ``fifteen``, ``a dozen``,
  ``a``/``an`` before a singular noun) with qualifiers (``at least``, ``up to``, ``about``, ``some``).
  Vague quantities (``dozens``, ``scores``, ``several``, ``many``, ``hundreds``) give no number:
  the field is ``None`` (unknown) rather than a guess, unless another mention gives a number.
- **Mentions** are a casualty word with its counts: before it for passive and intransitive forms
  ("19 police officials and two militants were killed", "at least 3 people died", "four dead"),
  after it for active and gerund forms ("killing 25", "injuring fifteen", "shot dead two engineers",
  "leaving 5 dead and 12 injured"). Counts after ``including``/``among them`` are subsets and skipped.
  "Shot/stabbed/beaten to death", "fatally shot", "decapitated", "hanged" are deaths; "kill" in the
  present counts with an explicit number ("Gunmen kill six workers") and never as an intention
  ("attempted to kill", "vowed to kill 10 soldiers"). Counts joined by "along with"/"alongside" add
  ("six civilians were killed, along with four soldiers"); a pair named without a number counts two
  ("his son and mother-in-law", "the elder's nephew and driver", "Haider and his driver"); "killed
  them" takes the victims counted earlier in the sentence. In a headline (a short first line) one person
  named bare counts one ("Policeman shot dead in Peshawar", "Gunmen kill cleric in Quetta"), and a toll
  that rose ("Death toll ... rises to 100") counts if it is larger. Police messages: "embraced shahadat",
  "02 x FC personnel shaheed", labels ("Killed: 3; Injured: 7", "Martyred 2 (police)") and people listed
  by rank and name ("ASI Gul Khan and constable Imran martyred": two). Ages ("a 10-year-old boy", "aged six and
  eight"), times ("around 1600") and dates ("08/28/2009") are not counts, and a campaign's total
  ("200 activists assassinated so far") is not the attack's toll. A report that counts no death but
  finds a body ("his bullet-riddled body was found", "the bodies of three men were found") counts it.
- **Who**: a count whose noun names attackers (militants, attackers, assailants, bombers, terrorists,
  gunmen, insurgents, ...) goes to ``killed_perpetrators``/``wounded_perpetrators``; every other count
  to the victims. "The attacker was also killed", "the suicide bomber blew himself up", "the bomber
  died" count one attacker (two for "two suicide bombers blew themselves up"). Victims of police,
  FC, Levies, Rangers, soldiers, troops are also counted in ``killed_security``.
- **Combining**: counts joined by ``and`` in one mention add up; separate mentions of the same kind
  take the largest (reports repeat their totals: "killing five ... The five victims were killed
  when ...") unless the later one says ``also``/``another`` (then they add).
- **Not this attack's**: a period's or several attacks' totals ("Overall, March saw 58 militant
  attacks in which 53 people were killed", "; in total, five ... in the two attacks"), a group's
  boast ("claimed to have killed 214 hostages"), the deaths the attackers said they avenged ("in
  retaliation for the killing of two women") and a breakdown of a count already read ("At least 19
  people, nine soldiers and 10 assailants, were killed": the breakdown, with its split, is kept).
- **Nothing said**: "no casualties", "no one was hurt", "causing no injuries" give 0 with
  confidence 0.9; silence gives 0 with confidence 0.4 (GTD's and the news' convention: a report of
  an attack names its dead).
- **Duration**: "lasted at least three hours", "a 10-hour siege", "for about two hours" ->
  ``duration_hours`` (days count 24 hours).

Caveats: rules read English news and incident-summary prose; a count split over sentences with
pronouns ("They were later found dead") is missed; a victim described only by name counts nothing.

Example:
    >>> found = extract_casualties("19 police officials and two militants were killed in the attack.")
    >>> found["killed"].value, found["killed_perpetrators"].value, found["killed_security"].value
    (19, 2, 19)
    >>> found = extract_casualties("A suicide bomber blew himself up at a checkpost, killing 25 and injuring fifteen.")
    >>> found["killed"].value, found["wounded"].value, found["killed_perpetrators"].value
    (25, 15, 1)
"""

from __future__ import annotations

import dataclasses
import re

from nigehban.extract.candidate import Evidence, FieldValue, quoted_from
from nigehban.extract.segment import blank_grievances

__all__ = ["extract_casualties", "parse_number"]

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_DETERMINERS = ("a", "an", "the", "his", "her", "their")
"""Count one person when a singular person noun follows ("the attacker", "their driver")."""
_VAGUE = ("dozens", "scores", "several", "many", "hundreds", "numerous", "some", "multiple", "a number")

_WORD_NUMBER = (
    r"(?:(?:"
    + "|".join(_TENS)
    + r")(?:[\s-]+(?:"
    + "|".join(k for k in _UNITS if _UNITS[k] < 10 and k != "zero")
    + r"))?|"
    + "|".join(sorted(_UNITS, key=len, reverse=True))
    + r")(?:\s+hundred(?:\s+and\s+\w+)?)?"
)
_NUMBER = (
    r"\b(?:(?:at\s+least|up\s+to|as\s+many\s+as|about|around|nearly|almost|over|more\s+than|some|approximately|roughly|"
    r"another|"
    r"only|just)\s+)?"
    r"(?P<num>(?<![/:])(?:\d{1,3}(?:,\d{3})+|\d+)(?![/:]\d)|"
    + r"(?:two|three|four|five|2|3|4|5)\s+dozen|"
    + _WORD_NUMBER
    + r"|half\s+a\s+dozen|a\s+dozen|dozens|scores|several|many|"
    r"hundreds|numerous|multiple|a|an|the|his|her|their|both|them\s+both|them\s+all)\b"
)
_NUMBER_RE = re.compile(_NUMBER, re.IGNORECASE)

_PERPETRATOR = re.compile(  # not "pro-Taliban cleric", "anti-Taliban elder", "ex-militant"
    r"\b(?<!-)(?:militants?|attackers?|assailants?|(?:suicide\s+)?bombers?|terrorists?|gunm[ae]n|insurgents?|perpetrators?|"
    r"rebels?|kidnappers?|abductors?|hijackers?|miscreants?|extremists?|fighters?|jihadis?|talibans?|assassins?|"
    r"suspects?|raiders?|khawarij|khwarij|khariji|kharji|kharjis|infiltrators?)\b",  # the state's word: "khawarij"
    re.IGNORECASE,
)
_SECURITY = re.compile(
    r"\b(?:police\w*|policem[ae]n|constables?|cops?|officers?|soldiers?|troops?|army|personnel|"
    r"paramilitar\w*|rangers?|levies|levy|FC|frontier\s+(?:corps|constabulary)|security\s+(?:forces?|guards?|men)|"
    r"jawans?|sepoys?|commandos?|sentr(?:y|ies)|guards?|militiam[ae]n|lashkar|peace\s+committee|"
    r"(?:sub-)?inspectors?|SHO|DSP|SP|ASI|havildar|naik|subedar|major|captain|colonel|lieutenant)\b",
    re.IGNORECASE,
)
_CIVIL_OFFICIAL = re.compile(r"\b(?:government|polio|health|election|tribal|local)\s+officials?\b", re.IGNORECASE)


def _names_security(noun: str) -> bool:
    """Whether a noun phrase names security forces ("FC personnel", "police constable"; not "polio officials")."""
    return bool(_SECURITY.search(noun)) and not _CIVIL_OFFICIAL.search(noun)


# Police and agency messages: "02 constables embraced shahadat", "1 x FC sepoy shaheed" (lower case only: "Shaheed
# Benazirabad" is a district).
_MARTYRDOM = (
    r"(?:embraced?|embraces|attained|attains?|achieved|received|laid\s+down\s+their\s+lives\s+in)\s+"
    r"(?:shahadat|martyrdom)"
    r"|(?-i:shaheed|shahid)"
)
_KILL = (
    _MARTYRDOM
    + r"|(?:shot|stabbed|beaten|burnt|burned|hacked|tortured|stoned|strangled|bludgeoned|crushed)\s+to\s+death"
    r"|shoots?\s+dead|fatally\s+(?:shot|wounded|injured|stabbed|hurt)|killed|killing|kills|kill|dead|died|die|slain"
    r"|martyred|shot\s+dead|executed|assassinated|lynched|slaughtered|strangled|lost\s+(?:their|his|her)\s+lives?"
    r"|deaths?|dying|murdered|beheaded|decapitated|hanged|massacred|gunned\s+down|fatalities|lifeless|bodies|lives"
    r"|perish(?:ed|es)?|beheads?|behead|martyring|sent\s+to\s+hell|neutrali[sz]ed"  # the military's words
    r"|(?-i:Shaheed|SHAHEED|Deceased|DECEASED)(?=\s*:)"  # a form's label: "Shaheed: 2 (police)", "Deceased: 3 ..."
)
_WOUND = r"injured|injuring|injures|injuries|wounded|wounding|hurt|hurting|casualties"
_KEYWORD = re.compile(r"\b(?P<kill>" + _KILL + r")\b|\b(?P<wound>" + _WOUND + r")\b", re.IGNORECASE)
_ACTIVE_AFTER = re.compile(
    r"^(?:killing|kills|kill|killed|shot\s+dead|shoots?\s+dead|(?:shot|stabbed|beaten|burnt|burned|hacked|tortured|stoned|strangled"
    r"|bludgeoned|crushed)\s+to\s+death|fatally\s+(?:shot|wounded|injured|stabbed|hurt)|injuring|injures|injured|wounding|wounded|hurting|gunned\s+down|"
    r"murdered|massacred|beheaded|beheads?|decapitated|hanged|slain|executed|assassinated|lynched|slaughtered|strangled"
    r"|martyring)$",
    re.IGNORECASE,
)
_PASSIVE_BEFORE = re.compile(
    r"(?:\b(?:were|was|are|is|been|be|got|get|being|left|leaving|reported|found|declared|confirmed)\s+"
    r"(?:(?:also|all|later|critically|seriously|severely|slightly|badly|fatally|reportedly|allegedly|"
    r"instantly|immediately|shot|and)\s+)*$)",
    re.IGNORECASE,
)
# where a clause begins: a count is not carried over these
_BOUNDARY = re.compile(
    r"[.;:!?]\s|\n|\(|\)|\b(?:when|after|while|because|since|before|but|where|which|who|that|whereas|although)\b"
    r"|\b(?<!identified\s)(?<!known\s)as\b",  # "two persons, identified as A and B, were killed": no clause
    re.IGNORECASE,
)
_SUBSET = re.compile(
    # ("among the dead", not "Among the notable incidents, four policemen ... were martyred")
    r"\b(?:including|incl|among\s+(?:them|whom|the\s+(?:dead|deceased|victims|injured|wounded|killed|martyred|martyrs"
    r"|casualties|passengers|people|persons))|(?:[\w-]+\s+)?of\s+whom|(?:(?!both\b)[\w-]+\s+)?of\s+them|"
    r"out\s+of)\b",
    re.IGNORECASE,
)
_NOUN_WORDS = re.compile(r"[\s,-]*((?:[A-Za-z'’.-]+\s*){0,6})")
_NOUN_STOP = re.compile(
    r"\b(?:were|was|are|is|have|has|had|when|by|in|at|on|and|or|who|after|as|to|from|during|near|inside|outside|among|"
    r"while|with|within|for)\b|[,;.]",
    re.IGNORECASE,
)
_NONE = re.compile(
    r"\bno\s+(?:one|body|person|people|civilians?|casualties|deaths?|fatalities|injuries|loss\s+of\s+(?:life|lives))\b"
    r"|\bnobody\b|\bwithout\s+(?:any\s+)?(?:casualties|injuries|loss)|\bno\s+(?:other\s+)?(?:one|body)\s+(?:was|were)\b",
    re.IGNORECASE,
)
_SELF_KILL = re.compile(
    r"\b(?P<who>(?:the|a|one|an|two|three|four|five|both)?\s*(?:suicide\s+)?(?:bombers?|attackers?|assailants?|"
    r"militants?|perpetrators?|terrorists?|gunm[ae]n))\s+(?:(?:was|were|had|also|later|then|reportedly|himself|"
    r"themselves)\s+)*(?:blew\s+(?:himself|themselves|herself)\s+up|(?:was|were)\s+(?:also\s+)?(?:killed|shot\s+dead)|died|"
    r"detonated\s+(?:his|their|her)\s+(?:suicide\s+)?(?:vest|jacket|explosives?|belt))",
    re.IGNORECASE,
)
# More attackers dead beyond those counted: "three attackers were killed and two others blew themselves up"
_OTHERS_SELF_KILL = re.compile(
    r"\b(?P<n>\d{1,2}|" + _WORD_NUMBER + r")\s+other(?:s|\s+(?:attackers|militants|terrorists|bombers))\s+"
    r"(?:also\s+)?(?:blew\s+themselves\s+up|detonated\s+their\s+(?:suicide\s+)?(?:vests|jackets|explosives))"
    # "One bomber was shot dead by the guards and the other blew himself up"
    r"|\bthe\s+other(?:\s+(?:bomber|attacker|militant|terrorist))?\s+(?:blew\s+(?:himself|herself)\s+up"
    r"|detonated\s+(?:his|her)\s+(?:suicide\s+)?(?:vest|jacket|explosives))",
    re.IGNORECASE,
)
# Attackers counted as a group and all killed: "all seven attackers, who were wearing suicide vests, were killed",
# "All 3 attackers were killed by police", "security forces killed all 5 attackers", "Two of the attackers blew
# themselves up"
_ATTACKERS = r"(?:suicide\s+)?(?:attackers|assailants|militants|terrorists|bombers|gunmen|insurgents|khawarij|khwarij)"
_ALL_ATTACKERS_KILLED = re.compile(
    r"\b(?:all\s+(?:the\s+|of\s+the\s+)?(?P<all>\d{1,2}|" + _WORD_NUMBER + r")\s+" + _ATTACKERS + r"|"
    r"(?P<some>\d{1,2}|" + _WORD_NUMBER + r")\s+of\s+the\s+" + _ATTACKERS + r")"
    r"(?:\s*,\s*(?:who|wearing|armed|dressed)\b[^,.;]{1,80},)?\s+(?:were|had\s+been|have\s+been)\s+(?:also\s+|all\s+)?"
    r"(?:killed|shot\s+dead|gunned\s+down|neutrali[sz]ed|eliminated)\b"
    r"|\b(?P<some2>\d{1,2}|" + _WORD_NUMBER + r")\s+of\s+the\s+" + _ATTACKERS + r"\s+(?:also\s+)?blew\s+themselves\s+up"
    r"|\b(?:killed|shot\s+dead|gunned\s+down|neutrali[sz]ed|eliminated)\s+all\s+(?:the\s+)?(?P<active>\d{1,2}|"
    + _WORD_NUMBER
    + r")\s+"
    + _ATTACKERS
    # the military's "sent 3 terrorists to hell"
    + r"|\bsent\s+(?:all\s+)?(?P<sent>\d{1,2}|"
    + _WORD_NUMBER
    + r")\s+(?:of\s+the\s+)?"
    + _ATTACKERS
    + r"\s+to\s+hell\b"
    # "the attackers, who came in two groups, were engaged ... and all 13 of them were killed" (checked below: the
    # sentence names attackers before it)
    + r"|\ball\s+(?P<them>\d{1,2}|"
    + _WORD_NUMBER
    + r")\s+of\s+them\s+(?:were|had\s+been|have\s+been)\s+(?:also\s+)?(?:killed|shot\s+dead|gunned\s+down"
    + r"|neutrali[sz]ed|eliminated|sent\s+to\s+hell)\b",
    re.IGNORECASE,
)
# Attackers who killed and were then killed, counted in the sentence's subject: "Three militants disguised in
# burqas stormed the institute, killing nine people before being killed"
_KILLED_AFTERWARDS = re.compile(
    r"(?:^|(?<=[.!?]\s))\s*(?:At\s+least\s+|Some\s+)?(?P<n>\d{1,2}|" + _WORD_NUMBER + r")\s+(?:[\w-]+\s+){0,2}?"
    r"(?:militants|attackers|assailants|terrorists|gunmen|insurgents)\b[^.!?]*?\b(?:before|after)\s+"
    r"(?:being|they\s+were)\s+(?:killed|shot\s+dead|gunned\s+down)\b",
    re.IGNORECASE,
)
_SUICIDE = re.compile(
    r"(?:\b(?P<n>two|three|four|both|\d)\s+)?\bsuicide[\s-]+(?:[\w-]+\s+){0,3}?(?:bombers?|bombing|blast|attackers?|attack|"
    r"car\s+bomb|truck\s+bomb|vest|jacket|explosion|device|IED|VBIED)\b"
    r"(?![^.]{0,80}\b(?:foiled|arrested|captured|defused|failed|thwarted)\b)",
    re.IGNORECASE,
)
_CAUGHT_BEFORE = re.compile(
    r"\b(?:arrest\w*|foil\w*|captur\w*|caught|apprehend\w*|nabbed|would-be|thwart\w*|intercept\w*|detain\w*)\b"
    r"[^.;]{0,50}$",
    re.IGNORECASE,
)
_KILLING_SELF = re.compile(r"\bkill(?:ing|ed)\s+(?:himself|herself|themselves)\b", re.IGNORECASE)
_GROUP_SIZE = re.compile(
    r"[\s-]+(?:man|men|member|strong)\s+(?:[a-z-]+\s+){0,2}?(?:committee|team|jirga|delegation|squad|gang|group"
    r"|panel|council|shura|body|cell|force|contingent|party|commission|bench|board|cabinet)\b",
    re.IGNORECASE,
)
_PARTITIVE_END = re.compile(
    r"(?<![\w-])(?P<num>\d+|" + _WORD_NUMBER + r")\s+of\s+(?:them|whom)\s+(?:were\s+|was\s+|had\s+been\s+)?$",
    re.IGNORECASE,
)
_SOURCE_SAID = re.compile(r"\s+(?:said|says|told|added|reported|stated|confirmed|claimed)\b", re.IGNORECASE)
_RESUMED = re.compile(
    r",\s+and\s+(?=\S)"
    # ... or a bare count just before the word: "5 dead including one policeman, 21 injured"
    r"|,\s+(?=(?:at\s+least\s+|over\s+|more\s+than\s+|about\s+|nearly\s+)?(?:\d+|" + _WORD_NUMBER + r")\s*"
    r"(?:others?|people|persons)?\s*$)",
    re.IGNORECASE,
)
_INCLUDING_BOMBER = re.compile(
    # "including the bomber", "including Khanzada and the bomber"
    r"\bincluding\s+(?:[^,;.()]{1,40}?\s+and\s+)?(?:(?:the|a)\s+)?(?:suicide\s+)?(?:bomber|attacker|assailant)\b",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"\b(?:lasted|lasting|for|continued\s+for|went\s+on\s+for|raged\s+for|after)\s+(?:at\s+least\s+|about\s+|around\s+|"
    r"nearly\s+|over\s+|more\s+than\s+|some\s+|almost\s+)?(?P<n>\d+|"
    + _WORD_NUMBER
    + r"|an?)\s+(?P<unit>hours?|days?)\b"
    r"|\b(?P<n2>\d+|" + _WORD_NUMBER + r")[\s-]+(?P<unit2>hour|day)[\s-]+(?:long\s+)?(?:siege|gun\s*battle|battle|"
    r"fight|fighting|standoff|stand-off|operation|clash|encounter|exchange)",
    re.IGNORECASE,
)


# "kill" in the present (headlines: "Gunmen kill six workers") counts only with an explicit number and not
# as an intention ("attempted to kill the judge", "threatened to kill").
_EXPLICIT_COUNT = re.compile(
    r"\s+(?:at\s+least\s+|up\s+to\s+|about\s+|some\s+|nearly\s+|over\s+)?(?:\d|(?:" + _WORD_NUMBER + r")\b)",
    re.IGNORECASE,
)
_INTENT = re.compile(
    r"\b(?:attempt\w*|tr(?:y|ied|ying)|plot\w*|plann?\w*|threat\w*|vow\w*|want\w*|intend\w*|sought|seek\w*|bid"
    r"|fail\w*|would|will|could|can|may|might|not|n't|never|order\w*|conspir\w*|aim\w*|wish\w*|sworn|swore)\b"
    r"(?:\s+\w+){0,3}\s*$",
    re.IGNORECASE,
)
# Totals of a campaign rather than of this attack: "one of more than 200 activists killed so far" -- but "so far"
# alone is a toll still rising ("Police say 2 officials martyred so far").
_SO_FAR = re.compile(r"[^.;]{0,60}?\b(?:so|thus)\s+far\b", re.IGNORECASE)
_CAMPAIGN = re.compile(r"\b(?:one\s+of|among|in\s+all|altogether|total(?:ly)?|tally)\b[^.;:]*$", re.IGNORECASE)
_BACKGROUND = re.compile(
    r"[^.;]{0,60}?\b(?:to\s+date|this\s+year|since\s+(?:\d{4}|January|February|March|April|May"
    r"|June|July|August|September|October|November|December)|in\s+(?:the\s+)?(?:past|last|recent)\s+(?:\w+\s+)?"
    r"(?:years?|months?|weeks?)|since\s+(?:it|they|the\s+\w+)\s+(?:began|started|was\s+launched))\b",
    re.IGNORECASE,
)
# "... were killed, along with four soldiers", "was shot dead alongside his driver".
_ALONG_WITH = re.compile(r"[^.;:]{0,80}?\b(?:along\s*with|alongside|together\s+with)\s+", re.IGNORECASE)
# "killed them", "beheaded them": the victims counted earlier in the sentence.
_THEM = re.compile(r"\s+(?:all\s+of\s+)?them\b(?!\s+(?:both|all)\b)", re.IGNORECASE)
_AGE = re.compile(r"\s*(?:\d+|" + _WORD_NUMBER + r")[\s-]+(?:years?|months?)[\s-]+old\b", re.IGNORECASE)


def parse_number(word: str) -> int | None:
    """A count from digits or English number words; ``None`` for vague quantities.

    >>> [parse_number(w) for w in ("25", "1,200", "twenty-five", "fifteen", "a dozen", "dozens", "an")]
    [25, 1200, 25, 15, 12, None, 1]
    """
    text = re.sub(r"\s+", " ", word.strip().lower().replace("-", " "))
    if text.replace(",", "").isdecimal():
        return int(text.replace(",", ""))
    if text in _DETERMINERS:
        return 1
    if text in ("both", "them both"):
        return 2
    if text == "them all":
        return None
    if text == "a dozen":
        return 12
    if text == "half a dozen":
        return 6
    dozen = re.fullmatch(r"(\w+) dozen", text)
    if dozen:  # "two dozen"
        count = parse_number(dozen.group(1))
        return None if count is None else count * 12
    if text in _VAGUE:
        return None
    total = 0
    current = 0
    for part in text.split():
        if part in _UNITS:
            current += _UNITS[part]
        elif part in _TENS:
            current += _TENS[part]
        elif part == "hundred":
            current = max(current, 1) * 100
        elif part == "and":
            continue
        else:
            return None
    return total + current


@dataclasses.dataclass(slots=True)
class _Tally:
    """Counts for one kind (killed victims, wounded attackers, ...) over the mentions."""

    value: int | None = None
    vague: bool = False
    evidence: Evidence | None = None

    def add(self, count: int | None, evidence: Evidence, *, accumulate: bool) -> None:
        if count is None:
            self.vague = True
            if self.evidence is None:
                self.evidence = evidence
            return
        if self.value is None:
            self.value, self.evidence = count, evidence
        elif accumulate:
            self.value += count
        elif count > self.value:
            self.value, self.evidence = count, evidence


@dataclasses.dataclass(slots=True)
class _Count:
    number: int | None
    perpetrator: bool
    security: bool
    start: int
    end: int
    noun: str = ""


_PERSON = re.compile(
    r"(?i)\b(?:suicide|police\w*|soldier|civilian|child|man|woman|boy|girl|person|guard|bodyguard|constable|"
    r"officer|official|bomber|attacker|assailant|militant|terrorist|gunman|member|leader|worker|driver|"
    r"passenger|student|teacher|journalist|reporter|doctor|trader|shopkeeper|resident|tribesman|elder|"
    r"security|FC|Levies|levy|cop|sepoy|jawan|commander|cleric|politician|councillor|councilor|farmer|"
    r"labou?rer|engineer|foreigner|pedestrian|passer-?by|bystander|customer|worshipp?er|minister|senator|"
    r"wife|husband|son|daughter|brother|sister|father|mother|nephew|cousin|uncle|servant|employee|"
    r"watchman|chowkidar|nazim|MPA|MNA|imam|prayer|activist|tourist|chief|head|judge|lawyer|contractor|"
    r"priest|landlord|businessman|owner|pilot|sentry|subedar|major|captain|colonel|inspector|jirga|"
    r"principal|nurse|vaccinator|worker|companion|associate|friend|supporter|relative|spokesman|infant|baby|"
    r"teenager|youth|villager|citizen|national|professor|candidate|agent|informer|spy|Shiite|Sunni|Hindu|"
    r"Christian|Sikh|Ahmadi|tribal|local|former|retired|senior|prominent|young|religious|political)"
)
_NOT_COUNTED = re.compile(
    r"[\s-]*(?:years?|months?|weeks?|days?|hours?|hrs|minutes?|km|kilometers?|kilometres?|kg|am|pm|a\.m|p\.m|percent|%|"
    r"miles?|metres?|meters?|feet|rounds?|shells?|rockets?|mortars?|bombs?|vehicles?|houses?|shops?|cars?|"
    r"trucks?|buildings?|schools?|times?|sides|of\s+(?:them|his|their|whom))\b",  # animals: _ANIMALS
    re.IGNORECASE,
)
_BOTH_PEOPLE = re.compile(r"\s+(?:of\s+them\s+)?(?:were|have\s+been|had\s+been|later\s+died|died)\b", re.IGNORECASE)
_OF_HIS_PEOPLE = re.compile(
    r"\s+of\s+(?:his|her|their)\s+(?:[\w-]+\s+)?(?:associates|companions|guards|bodyguards|colleagues|relatives"
    r"|sons|brothers|family\s+members|men|followers|supporters|workers|friends)\b",
    re.IGNORECASE,
)
# Animals are nobody, right after the number ("three cows") or after "of the" ("eight of the shepherd's sheep")
_ANIMALS = re.compile(
    r"(?i)\b(?:cows?|cattle|animals|goats?|sheep|buffalo(?:e?s)?|donkeys?|camels?|horses?|livestock)\b"
)
_THING = re.compile(
    r"(?i)\b(?:attack|building|vehicle|car|bus|truck|house|home|school|shop|office|bridge|tower|pylon|pipeline|"
    r"line|track|station|post|checkpost|mosque|church|shrine|market|road|area|town|city|village|power|supply|"
    r"engine|train|plant|project|process|plan|operation|blast|explosion|bomb|device|fire|damage|window|wall|"
    r"gate|door|roof|compound|camp|base|convoy|motorcycle|bike|cow|animal|goat|number|total|toll|rest|same)\b"
)
_GENERIC = re.compile(r"(?i)\s*(?:people|persons|individuals|civilians|men|others|victims)\b")
_PARTITIVE = re.compile(r"\s+of\s+(?:the|those|these)\s+", re.IGNORECASE)
_OBJECT_AFTER = re.compile(r"\s*(?:[Hh]im|[Hh]er|[Tt]hem|[Tt]he|[Aa]n?|[Hh]is|[Tt]heir|[A-Z])\b")
_JOIN = re.compile(r"\s*,?\s*(?:(?:and|as\s+well\s+as|plus|besides)\s+)?(?:all\s+(?:the\s+)?)?")


def _count_at(segment: str, match: re.Match[str], offset: int, *, after: bool) -> tuple[_Count | None, int]:
    """The count a number match starts, and where its noun ends (``None`` when it counts no one)."""
    word = match["num"].lower()
    partitive = _PARTITIVE.match(segment, match.end())  # "one of the attackers": the noun after "of the"
    if partitive is None and word in _DETERMINERS:
        partitive = _AGE.match(segment, match.end())  # "a 10-year-old boy": the noun after the age
    noun_match = _NOUN_WORDS.match(segment, partitive.end() if partitive else match.end())
    noun = noun_match.group(1) if noun_match else ""
    head_text = _NOUN_STOP.split(noun, maxsplit=1)[0]
    noun_start = partitive.end() if partitive else match.end()
    noun_end = noun_start + (len(noun_match.group(0)) - len(noun) if noun_match else 0) + len(head_text.rstrip())
    if re.search(r"(?i)\b(?:no|aged?|ages)\s+(?:[\w-]+\s*(?:,|and)\s*)*$", segment[: match.start()]):
        return None, noun_end  # "no one", "aged six and eight"
    if _ANIMALS.search(head_text):
        return None, noun_end  # "eight of the shepherd's sheep were killed"
    if _GROUP_SIZE.match(segment, match.end()):
        return None, noun_end  # "the 13-man committee", "a five-member team": the size of a body, not victims
    if word.startswith(("both", "them")) and not after and not _BOTH_PEOPLE.match(segment, match.end()):
        return None, noun_end  # "both sides clashed": only "injuring both", "killing them both", "Both were" count
    if (
        word.isdecimal()
        and re.search(r"(?i)\b(?:at|around|about)\s*$", segment[: match.start("num")])
        and len(word) == 4
    ):
        return None, noun_end  # "at 1615": a time
    if word in _DETERMINERS:
        inner = _NUMBER_RE.match(segment, noun_start + (len(noun_match.group(0)) - len(noun) if noun_match else 0))
        if inner and inner["num"].lower() not in _DETERMINERS:
            return _count_at(segment, inner, offset, after=after)  # "killed the two officials", "his two sons"
    if word in _DETERMINERS:
        # one person only when a person noun follows: "the attacker", "a policeman", "the minister";
        # after an active verb any singular noun but things: "killed the mayor", "killing the director"
        head = head_text.split()[:3]
        if not head:
            return None, noun_end
        if not _PERSON.search(" ".join(head)) and (not after or _THING.search(" ".join(head))):
            return None, noun_end
        if re.match(r"(?i)\w+s\b", head[-1]) and not re.match(r"(?i)(?:police|levies|FC|security|boss)", head[-1]):
            return None, noun_end  # "the militants": not one person
    elif (
        _NOT_COUNTED.match(segment, match.end())
        and not word.startswith("both")
        # after the verb, "killing the chief and four of his associates" counts them
        and not (after and _OF_HIS_PEOPLE.match(segment, match.end()))
    ) or (word.isdecimal() and len(word) == 4 and word.startswith(("19", "20"))):
        return None, noun_end
    perpetrator = bool(_PERPETRATOR.search(head_text)) and not re.search(r"(?i)\bvictims?\b", head_text)
    security = _names_security(head_text)
    number = parse_number(word)
    return _Count(number, perpetrator, security, offset + match.start(), offset + match.end(), head_text), noun_end


# A second person of a pair named without a number: "his son and mother-in-law", "the elder's nephew and driver".
_RELATION = re.compile(
    r"(?:(?:his|her|their)\s+)?(?:driver|guard|bodyguard|gunner|son|daughter|brother|sister|nephew|niece|cousin|uncle|aunt"
    r"|father|mother|wife|husband|(?:mother|father|son|brother|daughter|sister)-in-law|aide|assistant|secretary"
    r"|servant|colleague|companion|friend|cook|clerk|grandson|granddaughter|grandfather|grandmother|guest|child"
    r"|fianc[ée]e?|employee|helper|gardener|chowkidar|watchman"
    r"|another(?:\s+(?:person|man|woman|civilian|passenger|passer-?by|one))?)(?![\w-])",
    re.IGNORECASE,
)
_PAIR_BEFORE = re.compile(r"\s*,?\s*and\s+")
_AUXILIARY_TAIL = re.compile(r"(?:[\s,]|\b(?:were|was|have|has|had|been|both|also|later|reportedly)\b)*")
# "Haider and his driver were killed": the named person before "and his ..."; "Zaidi and another were killed".
_NAME_AND = re.compile(r"\b([A-Z][a-z]+)\s+and\s+$")
_NAME_AND_ANOTHER = re.compile(
    r"\b([A-Z][a-z]+)\s+and\s+(another(?:\s+(?:person|man|woman|civilian|one))?)"
    r"(?:[\s,]|\b(?:were|have|had|been|both|also|later|reportedly)\b)*$"
)
# A body found: "the body of the kidnapped officer was found", "his bullet-riddled body was recovered",
# "the bodies of three men were found".
_BODY_FOUND = re.compile(
    r"\b(?:(?:the|his|her|a)\s+|[A-Z][\w'’]*['’]s\s+)(?:[\w-]+\s+){0,2}?body\s+(?:of\s+[^.;]{1,60}?\s+)?"
    r"(?:was|has\s+been|had\s+been)\s+(?:\w+\s+)?(?:found|recovered|dumped|discovered|handed)\b"
    r"|^\s*(?:[\w-]+\s+){0,2}?body\s+of\s+[^.;]{1,60}?\s+(?:found|recovered|dumped)\b",  # a headline
    re.IGNORECASE,
)
_OF_A_NUMBER = re.compile(r"\s+of\s+(?:at\s+least\s+|some\s+|about\s+)?(?:\d|" + _WORD_NUMBER + r"\b)", re.IGNORECASE)
_CLAIMED_THE = re.compile(r"\b(?:claimed|claiming|claims|took|taking|consumed)\s+the\s+$", re.IGNORECASE)
_BODIES_OF = re.compile(r"\bbodies\s+of\s+", re.IGNORECASE)
# The dead listed after the word: "The deceased included two policemen and a child", "The dead included nine
# soldiers and three civilians" (read only where no other count of the dead was found)
_DEAD_LISTED = re.compile(
    r"\b(?:the\s+)?(?:dead|deceased|martyrs|those\s+(?:killed|martyred))\s+(?:included|include|were|are)\s+",
    re.IGNORECASE,
)


def _counts(segment: str, offset: int, *, after: bool) -> list[_Count]:
    """The counts of a clause segment, skipping subsets after ``including``.

    Before a passive verb every count of the clause belongs to it ("19 police officials and two
    militants were killed"); after an active verb the first count and those listed with it
    ("killing 15 police officers, four civilians and a child").
    """
    subset = _SUBSET.search(segment)
    partitive = None if after else _PARTITIVE_END.search(segment)
    if partitive is not None:
        # "shot 20 of them dead", "three of them died": the part is this word's count, not a subset to skip
        part = parse_number(partitive["num"])
        start = offset + partitive.start("num")
        return [] if part is None else [_Count(part, False, False, start, offset + partitive.end(), "of them")]
    if subset:
        # "..., including two FC personnel, and seven others were injured": the clause after ", and" is new
        # (blanked rather than cut, so offsets into the segment stay the text's)
        resumed = None if after else _RESUMED.search(segment, subset.end())
        if resumed is None:
            segment = segment[: subset.start()]
        else:  # the subset blanked, up to its ", and"; what comes before it and after counts
            segment = segment[: subset.start()] + " " * (resumed.end() - subset.start()) + segment[resumed.end() :]
    found: list[_Count] = []
    if not after:
        # the counts chained to the last one ("19 police officials and two militants"), not a count
        # earlier in the clause ("the two sides left two FC troops dead")
        chain: list[tuple[_Count, int]] = []
        for match in _NUMBER_RE.finditer(segment):
            count, end = _count_at(segment, match, offset, after=False)
            if count is None or (chain and count.start == chain[-1][0].start):
                continue  # nothing, or the same count read twice ("and his two sons")
            if chain and count.number == 1 and re.search(r"(?i)\bof\s+$", segment[: match.start()]):
                continue  # what the people counted belong to: "Two members of a local peace committee"
            if chain and not _JOIN.fullmatch(segment[chain[-1][1] : match.start()]):
                chain = []
            chain.append((count, end))
        if chain and chain[-1][0].number == 1:
            pair = _PAIR_BEFORE.match(segment, chain[-1][1])
            relation = _RELATION.match(segment, pair.end()) if pair else None
            if relation and _AUXILIARY_TAIL.fullmatch(segment, relation.end()):
                chain.append(
                    (_Count(1, False, False, offset + relation.start(), offset + relation.end()), relation.end())
                )
        if not chain:
            pair = _NAME_AND_ANOTHER.search(segment)
            if pair and not _NOT_PERSON_NAME.match(pair.group(1)):
                return [
                    _Count(1, False, False, offset + pair.start(1), offset + pair.end(1), pair.group(1)),
                    _Count(1, False, False, offset + pair.start(2), offset + pair.end(2), pair.group(2)),
                ]
        if (
            len(chain) > 1
            and (chain[0][0].number or 0) >= 2
            and (_ONE_WORD.match(chain[0][0].noun.strip()) or _ONE_OF_THEM.match(segment, chain[1][0].start - offset))
        ):
            # "Two civilians, one a taxi driver, were injured", "the other two, one Muslim and one Hindu": the
            # ones name people of the first count
            chain = chain[:1]
        if (
            len(chain) > 1
            and (chain[0][0].number or 0) >= 2
            and segment[chain[0][1] : chain[1][0].start - offset].strip() == ","
            and segment[chain[-1][1] :].lstrip().startswith(",")
            and sum(count.number or 0 for count, _ in chain[1:]) == chain[0][0].number
        ):
            # "Two others, a Rangers man and a Chinese teacher, were injured", "At least 19 people, nine soldiers and
            # 10 assailants, were killed": the list between commas breaks the count down (and says who they were)
            chain = chain[1:]
        if chain and segment[chain[0][0].start - offset :].lower().startswith(("his ", "her ")):
            name = _NAME_AND.search(segment[: chain[0][0].start - offset])
            if name and not _NOT_PERSON_NAME.match(name.group(1)):
                chain.insert(0, (_Count(1, False, False, offset + name.start(1), offset + name.end(1)), name.end(1)))
        return [count for count, _ in chain]
    position = len(segment) - len(segment.lstrip())
    while position < len(segment):
        number_match = _NUMBER_RE.match(segment, position)
        if not number_match:
            relation = _RELATION.match(segment, position) if found and found[-1].number == 1 else None
            if relation is None or not re.search(r"(?i)\band\s*$", segment[:position]):
                break
            found.append(_Count(1, False, False, offset + relation.start(), offset + relation.end(), relation.group(0)))
            joined = _JOIN.match(segment, relation.end())
            position = joined.end() if joined else relation.end()
            continue
        if found and number_match["num"].lower() in _DETERMINERS and _GENERIC.match(found[-1].noun):
            break  # "two people, a landlord and his aide": the same two, named
        count, end = _count_at(segment, number_match, offset, after=True)
        if count is None or (found and (_SOURCE_SAID.match(segment, end) or _SOURCE_SAID.search(" " + count.noun))):
            break  # "martyring two soldiers, the ISPR said": the source, not a victim
        found.append(count)
        joined = _JOIN.match(segment, end)
        position = joined.end() if joined else end
        if position == end and position < len(segment):
            break
    return found


_ONE_WORD = re.compile(r"(?i)one\b")
_ONE_OF_THEM = re.compile(r"(?i)one\s+(?:a|an|the)\b")
_SINGULAR_PASSIVE = re.compile(
    r"\b(?:was|has\s+been|had\s+been|is)\s+(?:(?:also|later|reportedly|allegedly|critically|seriously|severely|"
    r"badly|fatally|shot|and|then|brutally|found)\s+)*$",
    re.IGNORECASE,
)
_NAMED_OBJECT = re.compile(r"\s+(?:him|her|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)\b")
_NOT_PERSON_NAME = re.compile(
    r"(?:Pakistan|Police|Army|On|In|At|The|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)


# The people with a named victim: "shot and killed Agha Jaffri and his companion", "killing Begum and her five
# family members"
_APPOSED_NAME = re.compile(r"\s*,\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,3}(?=\s*(?:,|\.|$|\s+and\b))")
_COMPANIONS = re.compile(
    r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:his|her)\s+(?:(?P<n>\d{1,2}|" + _WORD_NUMBER + r")\s+)?(?P<who>(?:[\w-]+\s+)?"
    r"(?:companions?|bodyguards?|guards?|gunm[ae]n|drivers?|sons?|daughters?|brothers?|nephews?|friends?|colleagues?"
    r"|wife|father|mother|family\s+members|relatives|children|associates?|cousins?|security\s+(?:man|men|guards?)))\b"
    r"(?!\s+(?:said|says|told|added|stated|confirmed)\b)",  # "killed him, his father said": the source
    re.IGNORECASE,
)
_ONE_SUSTAINED = re.compile(
    r"\b(?:a|an|one)\s+(?:[\w-]+\s+){0,2}?(?:sustained|received|suffered)\s+"
    r"(?:(?:bullet|gunshot|serious|minor|critical|multiple|splinter)\s+)?$",
    re.IGNORECASE,
)
_HE_OR_SHE = re.compile(r"\b(?:he|she)\s+(?:later\s+|also\s+|subsequently\s+|instantly\s+)?$", re.IGNORECASE)


def _one_person(
    text: str, keyword: re.Match[str], word: str, index: int, keywords: list[re.Match[str]], previous_end: int
) -> list[_Count]:
    """One victim without a number: "X was shot and killed", "gunmen killed him", "shot dead Nazeer Naqvi"."""
    before = text[max(previous_end, keyword.start() - 80) : keyword.start()]
    if word in ("died", "dies", "die") and _HE_OR_SHE.search(before):
        return [_Count(1, False, False, keyword.start(), keyword.end(), "he/she")]  # "as a result of which he died"
    sustained = _ONE_SUSTAINED.search(before) if word == "injuries" else None
    if sustained is not None and _PERSON.search(sustained.group(0)):  # "a passer-by sustained bullet injuries"
        begin = keyword.start() - len(before) + sustained.start()
        return [_Count(1, bool(_PERPETRATOR.search(sustained.group(0))), False, begin, keyword.end(), sustained[0])]
    if word in (
        "dead",
        "died",
        "casualties",
        "deaths",
        "fatalities",
        "bodies",
        "lifeless",
        "injuries",
        "dying",
        "lives",
    ):
        return []
    if _SINGULAR_PASSIVE.search(before):
        clause = before
        cut = [m.end() for m in _BOUNDARY.finditer(before)]
        if cut:
            clause = before[cut[-1] :]
        if re.search(r"(?i)\bno\s+(?:one|body)\b|\bnobody\b|\bnone\b", clause):
            return []
        perpetrator = bool(_PERPETRATOR.search(clause)) and not _PERSON.search(_PERPETRATOR.sub("", clause))
        security = bool(_SECURITY.search(clause))
        return [_Count(1, perpetrator, security, keyword.start(), keyword.start(), clause)]
    if _ACTIVE_AFTER.match(word):
        named = _NAMED_OBJECT.match(text, keyword.end())
        if named and not _NOT_PERSON_NAME.match(named.group(0).strip()):
            found = [_Count(1, False, False, named.start(), named.end(), named.group(0))]
            # "killing Begum and her five family members": six; "killing him, his security man, Laiq Khan, and
            # his driver, Nasrullah Jan": three
            position = named.end()
            while (companions := _COMPANIONS.match(text, position)) is not None:
                number = parse_number(companions["n"]) if companions["n"] else 1
                if number is None:
                    break
                found.append(_Count(number, False, False, companions.start(), companions.end(), companions["who"]))
                position = companions.end()
                name = _APPOSED_NAME.match(text, position)  # the companion's name: ", Laiq Khan"
                position = name.end() if name else position
            return found
    return []


def _earlier_victims(text: str, position: int, previous_end: int) -> list[_Count]:
    """ "Kidnapped two tribal elders and later beheaded them": the victims' count earlier in the sentence."""
    start = max(previous_end, *(m.end() for m in re.finditer(r"[.;!?]\s", text[:position])), 0)
    return [count for count in _counts(text[start:position], start, after=False) if not count.perpetrator]


def _along_with(text: str, keyword: re.Match[str], keywords: list[re.Match[str]], index: int) -> list[_Count]:
    """Counts joined to a mention by "along with"/"alongside": "six civilians were killed, along with four soldiers"."""
    along = _ALONG_WITH.match(text, keyword.end())
    stop = keywords[index + 1].start() if index + 1 < len(keywords) else len(text)
    if along is None or along.end() > stop:
        return []
    segment = text[along.end() : stop]
    boundary = _BOUNDARY.search(segment)
    segment = segment[: boundary.start()] if boundary else segment
    return _counts(segment, along.end(), after=True)


def _bodies_found(text: str, tallies: dict[str, _Tally]) -> None:
    """A report that counted no death but found a body: "his bullet-riddled body was found" (one victim),
    "the bodies of three men were found" (three; attackers' bodies to the attackers); or that lists the dead
    after the word: "the deceased included two policemen and a child"."""
    for match in (*_BODIES_OF.finditer(text), *_DEAD_LISTED.finditer(text)):
        segment = text[match.end() : match.end() + 80]
        boundary = _BOUNDARY.search(segment)
        counts = _counts(segment[: boundary.start()] if boundary else segment, match.end(), after=True)
        if counts and all(c.number is not None for c in counts):
            evidence = Evidence(match.start(), counts[-1].end, text[match.start() : counts[-1].end])
            for perpetrator, name in ((False, "killed"), (True, "killed_perpetrators")):
                numbers = [c.number for c in counts if c.perpetrator == perpetrator and c.number is not None]
                if numbers:
                    tallies[name].add(sum(numbers), evidence, accumulate=False)
            return
    found = _BODY_FOUND.search(text)
    if found:
        tallies["killed"].add(1, Evidence(found.start(), found.end(), found.group(0)), accumulate=False)


# Headlines drop the articles: "Policeman shot dead in Peshawar", "Gunmen kill cleric in Quetta", "Teacher killed,
# student hurt in Swat firing". A headline here is a first line of at most 16 words without a full stop inside.
_HEADLINE_WORDS = 16
_HEADLINE_CLAUSE = re.compile(r"[\n:;,—–]|\s-\s|\b(?:as|and|after|while|amid)\b", re.IGNORECASE)
_SINGULAR_PERSON = re.compile(
    r"(?i)(?:police(?:man|woman|\s+(?:official|officer|constable|man))|policeman|cop|constable|soldier|sepoy|jawan|"
    r"officer|official|guard|bodyguard|watchman|chowkidar|commander|sho|dsp|asi|sp|inspector|sub-inspector|"
    r"teacher|student|principal|professor|journalist|reporter|cameraman|worker|vaccinator|volunteer|doctor|nurse|"
    r"engineer|lawyer|judge|cleric|imam|scholar|leader|elder|malik|councillor|councilor|nazim|mpa|mna|minister|"
    r"politician|activist|candidate|trader|shopkeeper|businessman|contractor|driver|labou?rer|farmer|shepherd|"
    r"man|woman|boy|girl|child|youth|teenager|villager|tribesman|resident|citizen|passer-?by|pedestrian|"
    r"civilian|person|spy|informer|member|chief|head|another|militant|terrorist|attacker|assailant|bomber|gunman|"
    r"insurgent|kidnapper)"
)
_NOT_BARE = re.compile(
    r"(?i)\b(?:a|an|the|his|her|their|its|one|two|three|four|five|six|seven|eight|nine|ten|no|were|was|is|are|"
    r"been|has|have|had|of|in|at|on|by|to|from|with|for|all|more|several|many|dozens|scores)\b|\d"
)


def _headline_end(text: str) -> int:
    """Where the headline ends (0 when the text does not start with one)."""
    line_end = text.find("\n")
    line = text if line_end < 0 else text[:line_end]
    stripped = line.rstrip()
    if not stripped or re.search(r"[.!?]\s", stripped) or len(stripped.split()) > _HEADLINE_WORDS:
        return 0
    return len(line)


def _bare_person(phrase: str) -> bool:
    """Whether ``phrase`` is a person named without article or number: "Police constable", "Lady health worker"."""
    words = phrase.split()
    if not 1 <= len(words) <= 6 or _NOT_BARE.search(phrase):
        return False
    # the person noun may come before a name: "social activist Sabeen Mahmud", "journalist Hayatullah Khan"
    for end in range(len(words), 0, -1):
        head = words[end - 1].strip("'’")
        if _SINGULAR_PERSON.fullmatch(head) or (end > 1 and _SINGULAR_PERSON.fullmatch(" ".join(words[end - 2 : end]))):
            return end <= 4
        if not head[:1].isupper() or end == 1:
            return False
    return False


def _headline_person(text: str, keyword: re.Match[str], *, headline_end: int, previous_end: int) -> list[_Count]:
    """One person named bare before or after a casualty word of the headline: "Policeman shot dead in Peshawar"
    (before), "Gunmen kill cleric in Quetta" (after), in Title Case too ("Gunmen Kill Social Activist In Karachi")."""
    if keyword.end() > headline_end or _INTENT.search(text[max(0, keyword.start() - 40) : keyword.start()]):
        return []  # beyond the headline, or an intention ("Taliban threaten to kill judge")
    before = text[previous_end : keyword.start()]
    cuts = [m.end() for m in _HEADLINE_CLAUSE.finditer(before)]
    start = previous_end + (cuts[-1] if cuts else 0)
    phrase = text[start : keyword.start()].strip()
    word = keyword.group(0).lower()
    active = re.match(r"(?i)kills?$|shoots?\s+dead$|killing$", word)  # the subject of these is the killer
    if phrase and not active and _bare_person(phrase):
        perpetrator = bool(_PERPETRATOR.search(phrase))
        security = _names_security(phrase)
        begin = start + text[start:].find(phrase)
        return [_Count(1, perpetrator, security, begin, keyword.start(), phrase)]
    if not active:
        return []
    after = re.match(
        r"\s+(?:of\s+)?((?:[\w'’-]+\s+){0,5}?[\w'’-]+)(?=\s+(?i:in|at|near|outside|inside|on|off|during|after)\b|\s*[,;:]|\s*$)",
        text[keyword.end() : headline_end],
    )
    if after is None or not _bare_person(after.group(1)):
        return []
    phrase = after.group(1)
    begin = keyword.end() + after.start(1)
    security = _names_security(phrase)
    return [_Count(1, bool(_PERPETRATOR.search(phrase)), security, begin, begin + len(phrase), phrase)]


# A toll that rose or was stated: "Death toll from Peshawar mosque blast rises to 100", "Death toll: 12".
_TOLL = re.compile(
    r"\b(?:death\s+)?toll\b[^.;:\n]{0,160}?\b(?:rises|rose|risen|climbs|climbed|jumps|jumped|reaches|reached|mounts"
    r"|mounted|soars|soared|hits|touches|touched|increases|increased|goes\s+up|went\s+up|surges|surged"
    r"|crosses|crossed)\s+(?:to\s+)?"
    r"(?:at\s+least\s+)?(?P<num>\d{1,3}(?:,\d{3})*|" + _WORD_NUMBER + r")\b"
    # "Death toll: 12", "the death toll stood at 25"
    r"|\bdeath\s+toll\s*(?::|=|\s(?:stands|stood|is|was|remains|remained)(?:\s+at)?)\s*(?:at\s+least\s+)?"
    r"(?P<num2>\d{1,3}(?:,\d{3})*|" + _WORD_NUMBER + r")\b",
    re.IGNORECASE,
)


# A count written after the word as a label: "Killed: 3; Injured: 7", "Martyred 2 (police)", "Terrorists killed: 1".
_LABEL_COUNT = re.compile(
    r"\s*(?:[:=\-–]\s*|\s)\s*(?P<num>\d{1,4})\b(?!\s*(?:hrs|hours?|am|pm|a\.m|p\.m|km|kms|years?|/|:\d|,\d{3}))"
)
# Ranks and roles that name a person in a list: "ASI Gul Khan and constable Imran martyred".
_RANK = (
    r"(?:(?:Head|head|Lady|lady|Senior|senior|Naib|naib|Lance|lance)\s+)?(?:ASI|SI|SHO|DSP|SP|SSP|ASP|AIG|DIG|IGP|DPO|SDPO"
    r"|HC|FC|Risaldar|risaldar|Daf+adar|daf+adar|Shopkeeper|shopkeeper"
    r"|Constable|constable|Sepoy|sepoy|Naik|naik|Ct|Const|Insp|Capt|Maj|Lt|Col|Hav|Nk|Sep|Sgt"
    r"|Lance\s+Naik|Havildar|havildar|Subedar|subedar|Captain|Major|Lieutenant|Colonel|Inspector|inspector"
    r"|Sub-Inspector|sub-inspector|Sergeant|Soldier|soldier|Driver|driver|Gunner|gunner|Dr\.?|Malik|Maulana|Mufti)"
)
# "(escort)"; "( )" where a belt number was blanked ("Constable Noor Zaman (No. 1189)")
_RANKED_NAME = (
    _RANK
    + r"\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}(?:\s+\((?:[a-z][a-z ]{1,25}|\s+)\))?"
    + r"(?:\s+of\s+(?:the\s+)?[A-Z][A-Za-z]+)?"  # "Constable Abdul Wali of CTD"
)
# An officer by rank alone before the count of his men: "Captain and 02 soldiers shaheed"
_RANK_AND = re.compile(
    r"(?:^|(?<=[.;:,!?])\s*|\b(?:a|the|one)\s+)(?P<rank>Captain|Major|Lieutenant|Colonel|Lt\.?\s+Col\.?|DSP|SHO|ASI|SI"
    r"|Inspector|Sub-Inspector|Subedar|Havildar|Naik|Sepoy)\s+and\s+$"
)
_NAMED_LIST = re.compile(
    r"(?P<list>" + _RANKED_NAME + r"(?:\s*,\s*(?:and\s+)?" + _RANKED_NAME + r"|\s+and\s+" + _RANKED_NAME + r")*)"
    r"\s*(?:,?\s*having\s+fought\s+(?:bravely|gallantly|valiantly|courageously)\s*,?)?"  # the military's words
    r"\s+(?:(?:were|have\s+been|had\s+been|got|also|both|all)\s+)*"
    # "Constable Ihsan Ullah and Constable Waqar Khan sustained injuries", "... received bullet injuries"
    r"(?:(?:sustained|received|suffered)\s+(?:(?:serious|critical|minor|bullet|gunshot|splinter|multiple)\s+)?)?$"
)
_APPOSED_PEOPLE = re.compile(
    r",\s*(?:including|among\s+them)\b[^.;:]*?(?=,)"
    r"|,\s*" + _RANKED_NAME + r"(?:\s*,\s*(?:and\s+)?" + _RANKED_NAME + r"|\s+and\s+" + _RANKED_NAME + r")*\s*(?=,)"
)
# "the killing of 11 coal miners" counts them (not "two weeks after the killing of a cleric")
_THE_KILLING = re.compile(r"(?<!\bafter\s)(?<!\bsince\s)(?<!\bbefore\s)(?<!\bover\s)(?<!\bfor\s)\bthe\s+$", re.I)
# Nobody of those named: "no police official was martyred or injured", "No CTD personnel was hurt"
_NOBODY_BEFORE = re.compile(
    r"\b(?:no|none\s+of\s+the)\s+(?:[\w-]+\s+){0,3}?(?:was|were|got|has\s+been|have\s+been)\s+(?:\w+\s+or\s+)?$",
    re.IGNORECASE,
)


def _label_count(text: str, keyword: re.Match[str], previous_end: int) -> list[_Count]:
    """A count after the word as in a form: "Killed: 3", "Martyred 2 (police)"; the noun before says who."""
    label = _LABEL_COUNT.match(text, keyword.end())
    if label is None:
        return []
    before = text[max(previous_end, keyword.start() - 40) : keyword.start()]
    cut = [m.end() for m in re.finditer(r"[.;:,()|\n]", before)]  # "Killed: 89 (including bomber) | Injured: 343"
    who = before[cut[-1] :] if cut else before
    after = text[label.end() : label.end() + 30]
    qualifier = after.lstrip(" (")  # "Martyred 2 (police)"
    perpetrator = bool(_PERPETRATOR.search(who) or _PERPETRATOR.match(qualifier))
    security = bool(_SECURITY.search(who) or (after.lstrip().startswith("(") and _SECURITY.match(qualifier)))
    total, end = int(label["num"]), label.end("num")
    if ":" in label.group(0):
        # a form's list: "Deceased: 3 Chinese nationals (incl. Director), 1 Pakistani driver."
        while (item := _LABEL_ITEM.match(text, end)) is not None and not _COUNTED_AFTER.match(text, item.end()):
            total, end = total + int(item["num"]), item.end()
    return [_Count(total, perpetrator, security, label.start("num"), end, who.strip())]


_LABEL_ITEM = re.compile(
    r"[^,.;:\d\n]{0,40}?,\s*(?:and\s+)?(?P<num>\d{1,4})\b(?!\s*(?:hrs|hours?|am|pm|km|years?|/|:\d))"
)
_COUNTED_AFTER = re.compile(  # "Killed: 2, 15 injured": the next count is another word's
    r"\s*(?:[\w-]+\s+){0,2}?(?:injured|wounded|hurt|killed|dead|died|martyred|missing|arrested)\b", re.IGNORECASE
)


def _named_list(text: str, keyword: re.Match[str], previous_end: int) -> list[_Count]:
    """People listed by rank and name before the word: "ASI Gul Khan and constable Imran martyred" (two)."""
    before = text[max(previous_end, keyword.start() - 160) : keyword.start()]
    found = _NAMED_LIST.search(before)
    if found is None:
        return []
    start = keyword.start() - len(before) + found.start("list")
    names = list(re.finditer(_RANKED_NAME, found["list"]))
    return [
        _Count(1, False, bool(_SECURITY.search(name.group(0))), start + name.start(), start + name.end(), name.group(0))
        for name in names
    ]


# "Punjab Home Minister Shuja Khanzada, 18 others killed", "SP Tahir Dawar and two others martyred": the person
# the clause opens with, before the others.
_BEFORE_OTHERS = re.compile(
    r"(?:^|[.;:!?]\s+|\n)\s*(?P<who>(?:[Tt]he\s+)?[A-Z][^,.;:!?\n]{1,70}?)\s*(?:,|\band)\s*(?:at\s+least\s+|over\s+)?$"
)


_OTHERS = re.compile(r"(?i)(?:others|other\s+[a-z]+)\b")  # "two others", "two other police officers"
# Not one person: a pronoun, a clause (a verb), a group
_NOT_ONE_PERSON = re.compile(
    r"(?i)^(?:he|she|they|it|we|i|this|that|there)\b|\b(?:was|were|is|are|has|had|have|\w+ed|\w+ing)\b"
    r"|\b(?:people|persons|men|women|children|policemen|soldiers|troops|militants|terrorists|attackers|workers"
    r"|civilians|personnel|officials|police|family|families|brothers|sons|killed|injured|wounded|martyred|dead)\b"
)


def _named_before_others(text: str, mentions: list[_Count]) -> list[_Count]:
    """The one person named before "N others", when nothing was counted for them yet."""
    first = min(mentions, key=lambda mention: mention.start)
    window_start = max(0, first.start - 90)
    found = _BEFORE_OTHERS.search(text[window_start : first.start])
    if (
        found is None
        or _NUMBER_RE.search(found["who"])
        or _NOT_ONE_PERSON.search(found["who"])
        or len(found["who"].split()) > 6
    ):
        return []
    who = found["who"]
    start = window_start + found.start("who")
    return [_Count(1, bool(_PERPETRATOR.search(who)), _names_security(who), start, start + len(who), who)]


# "two policemen were martyred and another injured": one more of those just counted
_ANOTHER = re.compile(
    # "and another injured", "and another constable sustained injuries", "and a third injured"
    r"(?:\band|,)\s+(another|one\s+other|a\s+third|a\s+fourth)\s+(?:(?!and\b|or\b)[a-z-]+\s+)?"
    r"(?:was\s+|were\s+|got\s+|sustained\s+|received\s+)?(?:(?:bullet|gunshot|serious|minor)\s+)?$",
    re.IGNORECASE,
)
_ABBREVIATION = re.compile(
    r"\s\((?=[^)]*[A-Z][^)]*[A-Z])[A-Za-z&.-]{2,10}\)(?=\s+(?!and\b|or\b)[a-z])"
    r"|(?<=[A-Za-z])\s\(0?\d{1,3}\)(?=\s)"  # police style: "Three (03) FC personnel", "two (02) got injured"
    # the military's "Sepoy Irfan (age 24 years, resident of ...)"
    r"|\s\((?:(?:aged?|age)\s+\d{1,3}\b|residents?\s+of\b|[rs]/o\s)[^()]{0,80}\)"  # "(r/o Bannu)": resident of
    r"|\s\((?:retd|Retd|R|r)\.?\)(?=\s)"  # "Col (retd) Shuja Khanzada and 18 others"
)

_ABBREVIATED = re.compile(r"\b(?:(?i:incl)|Ct|Const|Insp|Capt|Maj|Lt|Col|Hav|Nk|Sep|Sgt)\.")
_NOT_A_COUNT = re.compile(
    r"\b(?:No|Nos|no|Belt\s+No)\.?\s*\d+(?:/\d+)?\b"
    r"|\b[0-3]?\d[./-][01]?\d[./-](?:19|20)\d{2}\b"
    r"|\b(?:19|20)\d{2}-[01]\d-[0-3]\d\b"
    r"|(?<=\bRescue\s)1122\b"  # the emergency service: "Rescue 1122 shifted the injured"
    # a day of the month: "On June 4, two FC personnel were martyred", "on 4 June, ..."
    r"|(?:(?<=January\s)|(?<=February\s)|(?<=March\s)|(?<=April\s)|(?<=May\s)|(?<=June\s)|(?<=July\s)"
    r"|(?<=August\s)|(?<=September\s)|(?<=October\s)|(?<=November\s)|(?<=December\s))"
    r"[0-3]?\d(?:st|nd|rd|th)?\b(?=,?\s)"
    r"|\b[0-3]?\d(?:st|nd|rd|th)?(?=\s+(?:of\s+)?(?:January|February|March|April|May|June|July|August|September|October"
    r"|November|December)\b)"
)
_SENTENCE_BREAK = re.compile(r"[.!?]\s|\n")
_ATTACKERS_BEFORE = re.compile(r"\b" + _ATTACKERS + r"\b", re.IGNORECASE)


_VICTIMS_NOUN = re.compile(
    r"\b(?:people|persons|men|women|children|labou?rers|workers|passengers|soldiers|troops|policemen|officers"
    r"|personnel|civilians|students|worshipp?ers|pilgrims|miners|tribesmen|hostages|members|guards|engineers)\b",
    re.IGNORECASE,
)


def _them_are_attackers(text: str, position: int) -> bool:
    """Whether "them" at ``position`` are attackers: the last people named before it in its sentence."""
    ends = [match.end() for match in _SENTENCE_BREAK.finditer(text, 0, position)]
    start = ends[-1] if ends else 0
    attackers = [match.start() for match in _ATTACKERS_BEFORE.finditer(text, start, position)]
    victims = [match.start() for match in _VICTIMS_NOUN.finditer(text, start, position)]
    return bool(attackers) and (not victims or attackers[-1] > victims[-1])


_NOT_THIS_TOLL = re.compile(
    # ... of a period ("Overall, the first quarter of 2024 recorded 432 fatalities"; not "In total, five assailants
    # were killed", a summary's sum of this attack)
    r"(?:^|(?<=[.!?]\s)|(?<=\n))\s*(?:Overall|In\s+all|In\s+total|Altogether|Collectively)\b(?=[^.!?\n]*\b(?:month|"
    r"quarter|year|week|January|February|March|April|May|June|July|August|September|October|November|December|"
    r"(?:19|20)\d\d|across\s+(?:the\s+)?(?:country|province|Pakistan))\b)[^.!?\n]*"
    # ... or of many attacks ("58 militant attacks", not "the 2011 drone attacks")
    r"|(?:^|(?<=[.!?]\s)|(?<=\n))[^.!?\n]*\b(?!(?:19|20)\d\d\b)(?:[3-9]|[1-9]\d{1,3})\s+(?:[\w-]+\s+)?"
    r"(?:attacks|incidents)\b[^.!?\n]*"
    # ... in words only with the period ("nine attacks in Balochistan during the month"; not GTD's "one of three
    # related attacks")
    r"|(?:^|(?<=[.!?]\s)|(?<=\n))[^.!?\n]*\b(?:three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens\s+of)\s+"
    r"(?:[\w-]+\s+)?attacks\b[^.!?\n]*\b(?:during|in|over)\s+the\s+(?:month|year|quarter|week)\b[^.!?\n]*"
    r"|\bclaim(?:ed|s|ing)\s+to\s+have\s+(?:killed|martyred|slain)\b[^,.;\n]*"
    # ... nor the sum of related attacks: "; in total, five people were killed and nine were injured in the two attacks"
    r"|(?<=[;,]\s)in\s+(?:total|all)\b[^.;!?\n]*\b(?:the|these|both)\s+(?:\w+\s+)?(?:attacks|incidents|blasts|bombings)\b",
    re.IGNORECASE,
)
_DASH_BREAKDOWN = re.compile(
    r"(?P<word>\b(?:killed|dead|martyred|injured|wounded))(?P<aside>\s+[-–—]\s+\d[^-–—.;:\n]{0,120}?\s[-–—])(?=\s)",
    re.IGNORECASE,
)
_INCLUDED_ABBREVIATION = re.compile(
    r"(?P<head>\bincluding\s+[^,;.()]{3,60}?)(?P<bracket>\s\((?=[^)]*[A-Z][^)]*[A-Z])[A-Za-z&.-]{2,10}\))(?=,)"
)

# "At least 29 people, including 13 assailants, were killed": the attackers are among the count
_INCLUDING_ATTACKERS = re.compile(
    r"\b(?:including|incl\.?)\s+(?:[^,;.()]{1,40}?\s+and\s+)?(?:the\s+|all\s+(?:the\s+)?)?(?P<n>\d+|"
    + _WORD_NUMBER
    + r")\s+"
    r"(?:of\s+the\s+)?(?:suicide\s+)?"
    r"(?:assailants|attackers|militants|gunmen|terrorists|bombers|perpetrators|insurgents)\b",
    re.IGNORECASE,
)


def _attackers_among_the_killed(text: str, tallies: dict[str, _Tally]) -> None:
    """Moves the attackers a killed count includes to the attackers' tally: "29 people, including 13 assailants,
    were killed" is 16 victims and 13 attackers."""
    killed, attackers = tallies["killed"], tallies["killed_perpetrators"]
    evidence = killed.evidence
    if killed.value is None or evidence is None:
        return
    sentence_end = re.compile(r"[.;!?](?:\s|$)").search(text, evidence.end)
    for match in _INCLUDING_ATTACKERS.finditer(text, evidence.start, sentence_end.end() if sentence_end else len(text)):
        count = parse_number(match["n"])
        if count is None or count >= killed.value or (attackers.value or 0) >= count:
            continue
        killed.value -= count
        attackers.value, attackers.evidence, attackers.vague = (
            count,
            Evidence(match.start(), match.end(), match.group(0)),
            False,
        )
        return


def _bombers(suicide: re.Match[str]) -> int:
    """How many bombers a suicide mention counts: "two suicide bombers" 2, "a suicide attack" 1."""
    number = suicide["n"].lower() if suicide["n"] else None
    count = 2 if number == "both" else parse_number(number) if number else None
    return count if count and suicide.group(0).lower().rstrip().endswith("s") else 1


# "The bomber was the only person killed": the dead is the attacker
_ONLY_BOMBER = re.compile(
    r"\b(?:the|a)\s+(?:suicide\s+)?(?:bomber|attacker|assailant)\s+(?:was|is)\s+the\s+only\s+"
    r"(?:one|person|casualty|fatality)(?:\s+(?:killed|to\s+(?:be\s+killed|die)|who\s+died))?\b",
    re.IGNORECASE,
)


def extract_casualties(text: str) -> dict[str, FieldValue]:
    """Killed, wounded (victims and attackers), killed security forces and duration read from ``text``."""
    tallies = {name: _Tally() for name in ("killed", "killed_perpetrators", "wounded", "wounded_perpetrators")}
    security = _Tally()
    original = text  # read below with brackets, abbreviations' stops and non-counts blanked; evidence quotes this
    # "Two Frontier Corps (FC) personnel were killed", "Three (03) FC personnel": brackets read as blank (offsets kept)
    text = _ABBREVIATION.sub(lambda match: " " * len(match.group(0)), text)
    # ... and the one closing an "including" part: "Four policemen, including a Deputy Superintendent of Police
    # (DSP), were killed"; not an organisation's before a name ("an employee of the Awami National Party (ANP),
    # Salleh Mohammad, was shot dead")
    text = _INCLUDED_ABBREVIATION.sub(lambda match: match["head"] + " " * len(match["bracket"]), text)
    # "20 killed incl. 8 Hazaras", "Ct. Asif got injured": no sentence ends at an abbreviation's full stop
    text = _ABBREVIATED.sub(lambda match: match.group(0)[:-1] + " ", text)
    # numbers that count nobody: a belt number ("HC Ali Khan No. 123"), a date ("On 30.11.2023")
    text = _NOT_A_COUNT.sub(lambda match: " " * len(match.group(0)), text)
    # a period's totals and a group's boasts are not this attack's toll: "Overall, March saw 58 militant attacks in
    # which 53 people were killed", "Militants carried out 62 attacks across Pakistan in December, killing 98",
    # "The BLA claimed to have killed 214 hostages"
    text = _NOT_THIS_TOLL.sub(lambda match: " " * len(match.group(0)), text)
    # ... nor the deaths the attackers said they avenged ("in retaliation for the killing of two Baloch women")
    text = blank_grievances(text)
    # a breakdown between dashes counts the same people again: "13 people were killed - 9 Chinese nationals, 2 FC
    # soldiers and 2 Pakistani civilians - and 28 were injured"
    text = _DASH_BREAKDOWN.sub(lambda match: match["word"] + " " * len(match["aside"]), text)
    keywords = list(_KEYWORD.finditer(text))
    headline_end = _headline_end(text)
    previous_end = 0
    last: list[_Count] = []  # the previous word's counts: "another" is one more of the same people
    fatalities: tuple[int, Evidence] | None = None
    for index, keyword in enumerate(keywords):
        kind = "killed" if keyword["kill"] else "wounded"
        word = re.sub(r"\s+", " ", keyword.group(0).lower())
        mentions: list[_Count] = []
        if word in ("kill", "kills", "shoot dead", "shoots dead") and not _EXPLICIT_COUNT.match(text, keyword.end()):
            # a headline's bare object ("Gunmen kill cleric in Quetta"); "kill" without one is no count
            mentions = _headline_person(text, keyword, headline_end=headline_end, previous_end=previous_end)
            if not mentions and word == "kill":
                continue
        if word == "kill" and not mentions:
            explicit = _EXPLICIT_COUNT.match(text, keyword.end())
            if explicit is not None and _INTENT.search(text[max(0, keyword.start() - 40) : keyword.start()]):
                # the count belongs to the intention ("vowed to kill 10 soldiers"): not to the next word either
                noun = _NOUN_WORDS.match(text, explicit.end())
                head = _NOUN_STOP.split(noun.group(0), maxsplit=1)[0] if noun else ""
                previous_end = explicit.end() + len(head.rstrip())
                continue
        if word == "casualties" and re.match(
            r"\s*:\s*\S[^.;\n]{0,20}\b(?:killed|dead|martyred|injured|wounded)\b", text[keyword.end() :], re.IGNORECASE
        ):
            continue  # a label over counts that say what they are: "Casualties: 3 killed, 7 injured"
        if _NOBODY_BEFORE.search(text, max(0, keyword.start() - 60), keyword.start()):
            previous_end = keyword.end()
            continue
        if _BACKGROUND.match(text, keyword.end()) or (
            _SO_FAR.match(text, keyword.end())
            and _CAMPAIGN.search(text[max(0, keyword.start() - 100) : keyword.start()])
        ):
            previous_end = keyword.end()
            continue
        # "another two were killed", "were also killed": more of the kind, before the word ("martyred and
        # another injured" speaks of the wounded)
        accumulate_window = text[max(0, keyword.start() - 60) : keyword.end()].lower() + " "
        accumulate = " also " in accumulate_window or "another" in accumulate_window
        # counts after the word: "killing 25", "shot dead two engineers", "left 5 dead" handled below
        passive = _PASSIVE_BEFORE.search(text[max(0, keyword.start() - 40) : keyword.start()])
        # "the blast claimed the lives of 12 people", "resulted in the deaths of 12 people": the count after "of"
        lives_of = bool(
            word == "lives"
            and _CLAIMED_THE.search(text, max(0, keyword.start() - 30), keyword.start())
            and re.match(r"\s+of\s", text[keyword.end() :])
        ) or bool(word == "deaths" and _OF_A_NUMBER.match(text, keyword.end()))
        if not mentions and (_ACTIVE_AFTER.match(word) or lives_of) and not passive:
            stop = keywords[index + 1].start() if index + 1 < len(keywords) else len(text)
            begin = keyword.end()
            # "TTP claims killing of two"; "Responding to the killing of 11 coal miners ..." (not "two weeks after the
            # killing of a cleric")
            killing_of = word == "killing" and (
                keyword.end() <= headline_end
                or bool(_THE_KILLING.search(text, max(0, keyword.start() - 30), keyword.start()))
            )
            if killing_of or lives_of:
                of = re.match(r"\s+of\s+", text[begin:stop], re.IGNORECASE)
                begin += of.end() if of else 0
            segment = text[begin:stop]
            boundary = _BOUNDARY.search(segment)
            segment = segment[: boundary.start()] if boundary else segment
            if re.match(
                r"^\s*(?:at\s+least\s+|up\s+to\s+|about\s+|some\s+|nearly\s+|over\s+)?(?:\d|(?!and\b)[a-z]+\b)",
                segment,
                re.IGNORECASE,
            ):
                mentions = _counts(segment, begin, after=True)
                if (
                    mentions
                    and last
                    and all(m.perpetrator for m in last)
                    and all(not m.noun.strip() for m in mentions)
                    and index > 0
                    and re.fullmatch(r"\s+(?:[\w-]+\s+){1,4}and\s+", text[keywords[index - 1].end() : keyword.start()])
                ):
                    # "killed eight attackers and injured three": the same people
                    mentions = [dataclasses.replace(m, perpetrator=True) for m in mentions]
        if not mentions and _ACTIVE_AFTER.match(word) and not passive and _THEM.match(text, keyword.end()):
            mentions = _earlier_victims(text, keyword.start(), previous_end)
        if not mentions and _ACTIVE_AFTER.match(word) and not passive:
            # "gunmen killed him", "militants shot dead Nazeer Naqvi": the count before is the killers
            mentions = _one_person(text, keyword, word, index, keywords, previous_end)
            if (
                not mentions
                and _OBJECT_AFTER.match(text, keyword.end())
                and not re.match(
                    r"\s*(?:in|at|on|near|as|when|after|by|during)\b", text[keyword.end() :], re.IGNORECASE
                )
            ):
                previous_end = keyword.end()
                continue
        if not mentions:
            start = previous_end
            before = text[start : keyword.start()]
            cut = [m.end() for m in _BOUNDARY.finditer(before)]
            if cut:
                before, start = before[cut[-1] :], start + cut[-1]
            # only a count right before the word, or with a passive auxiliary between them
            mentions = _counts(before, start, after=False)
            if mentions and word not in ("dead", "casualties", "deaths", "fatalities", "bodies", "lifeless", "lives"):
                # without the people the count names: "Two soldiers, including a young officer, Lieutenant Hamza
                # Ali (resident of Rawalpindi), embraced shahadat", "three brave sons of soil, Havildar A (age 38
                # years, ...), Lance Naik B (...) and Sepoy C (...), embraced shahadat"
                tail = _APPOSED_PEOPLE.sub("", re.sub(r"\s+", " ", text[mentions[-1].end : keyword.start()]))
                if not (_PASSIVE_BEFORE.search(tail) or re.fullmatch(r"[\w\s,'’-]{0,60}", tail)):
                    mentions = []
        if not mentions and last:
            another = _ANOTHER.search(text, previous_end, keyword.start())
            if another is not None:  # "two policemen were martyred and another injured"
                mentions = [_Count(1, last[-1].perpetrator, last[-1].security, another.start(1), another.end(1))]
        if not mentions:
            mentions = _named_list(text, keyword, previous_end)
        if not mentions:
            mentions = _one_person(text, keyword, word, index, keywords, previous_end)
        if not mentions:
            mentions = _label_count(text, keyword, previous_end)
        if not mentions and headline_end:
            mentions = _headline_person(text, keyword, headline_end=headline_end, previous_end=previous_end)
        if mentions and kind == "killed":
            mentions += _along_with(text, keyword, keywords, index)
        previous_end = max([keyword.end(), *(m.end for m in mentions)])
        if not mentions:
            continue
        last = mentions
        counted = tallies[kind]
        # (a count from the headline alone is no reason to skip: "Minister martyred ...\n\nX and 18 others")
        fresh = counted.value is None or (counted.evidence is not None and counted.evidence.end <= headline_end)
        if fresh and _OTHERS.match(mentions[0].noun.strip()):
            mentions = _named_before_others(text, mentions) + mentions  # "X and two others": X is one more
        first = min(mentions, key=lambda mention: mention.start)
        officer = _RANK_AND.search(text, max(0, first.start - 40), first.start)
        if officer is not None:  # "Captain and 02 soldiers shaheed": the officer is one more
            mentions = [_Count(1, False, True, officer.start("rank"), officer.end("rank"), officer["rank"]), *mentions]
        if any(re.match(r"(?i)(?:other|more)\b", m.noun.strip()) for m in mentions):
            accumulate = True  # "two other people died": beyond the ones already counted
        if word == "casualties":
            kind = "wounded" if re.search(r"(?i)\binjur|wound", text[keyword.start() - 40 : keyword.start()]) else ""
            if not kind:
                continue
        evidence_start = min(m.start for m in [*mentions, _Count(None, False, False, keyword.start(), 0)])
        evidence_end = max(keyword.end(), *(m.end for m in mentions))
        evidence = Evidence(evidence_start, evidence_end, text[evidence_start:evidence_end])
        if word == "fatalities" and len(mentions) == 1 and mentions[0].number is not None:
            # a dataset's total of victims and attackers ("1 policeman killed, 2 militants killed in return fire.
            # Fatalities: 3"): weighed once the attackers are known, below
            fatalities = fatalities or (mentions[0].number, evidence)
            continue
        victims = [m for m in mentions if not m.perpetrator]
        attackers = [m for m in mentions if m.perpetrator]
        for group, name in ((victims, kind), (attackers, f"{kind}_perpetrators")):
            if not group:
                continue
            numbers = [m.number for m in group]
            total = None if any(n is None for n in numbers) else sum(n for n in numbers if n is not None)
            tallies[name].add(total, evidence, accumulate=accumulate)
        if kind == "killed":
            guards = [m.number for m in victims if m.security]
            if guards:
                security.add(
                    None if None in guards else sum(n for n in guards if n is not None), evidence, accumulate=accumulate
                )
    # a toll that rose, before the bomber it includes is taken out ("rose to 101, including the bomber")
    toll = _TOLL.search(text)
    if toll:
        tallies["killed"].add(
            parse_number(toll["num"] or toll["num2"]),
            Evidence(toll.start(), toll.end(), toll.group(0)),
            accumulate=False,
        )
    # the attacker's own death
    self_killed = 0
    self_evidence: Evidence | None = None
    for match in _SELF_KILL.finditer(text):
        who = match["who"].strip().split()
        number = parse_number(who[0]) if who and who[0].lower() not in ("suicide",) else 1
        if who and who[0].lower() == "both":
            number = 2
        if number is None or (
            len(who) > 1 and who[-1].lower().endswith("s") and number == 1 and who[0].lower() in ("the", "a")
        ):
            continue
        if number > self_killed:
            self_killed, self_evidence = number, Evidence(match.start(), match.end(), match.group(0))
    for match in (*_KILLING_SELF.finditer(text), *_INCLUDING_BOMBER.finditer(text)):
        if self_killed == 0:
            self_killed, self_evidence = 1, Evidence(match.start(), match.end(), match.group(0))
            if match.re is _INCLUDING_BOMBER and tallies["killed"].value:
                tallies["killed"].value -= 1
    # the most bombers any mention counts ("... martyred in suicide attack. ... when two suicide bombers struck")
    suicides = [
        match
        for match in _SUICIDE.finditer(text)
        # "arresting two suicide bombers": they did not die
        if not _CAUGHT_BEFORE.search(text, max(0, match.start() - 60), match.start())
    ]
    suicide = max(suicides, key=_bombers, default=None)
    if not self_killed and suicide and not tallies["killed_perpetrators"].value:
        # a suicide bomber dies in the attack even where the report does not say so
        self_killed = _bombers(suicide)
        self_evidence = Evidence(suicide.start(), suicide.end(), suicide.group(0))
    only = _ONLY_BOMBER.search(text)
    if only is not None and (tallies["killed"].value or 0) <= 1:
        tallies["killed"].value, tallies["killed"].evidence = 0, Evidence(only.start(), only.end(), only.group(0))
        if not self_killed:
            self_killed, self_evidence = 1, tallies["killed"].evidence
    if not tallies["killed"].value and not tallies["killed"].vague:
        _bodies_found(text, tallies)
    _attackers_among_the_killed(text, tallies)
    perp = tallies["killed_perpetrators"]
    if not perp.value:
        afterwards = _KILLED_AFTERWARDS.search(text)
        count = parse_number(afterwards["n"]) if afterwards else None
        if afterwards and count:
            begin = afterwards.start("n")
            perp.value, perp.evidence, perp.vague = (
                count,
                Evidence(begin, afterwards.end(), text[begin : afterwards.end()]),
                False,
            )
    for match in _ALL_ATTACKERS_KILLED.finditer(text):
        if match["them"] and not _them_are_attackers(text, match.start()):
            continue
        count = parse_number(
            match["all"] or match["some"] or match["some2"] or match["active"] or match["sent"] or match["them"]
        )
        if count and (perp.value is None or perp.value < count):
            perp.value, perp.evidence, perp.vague = count, Evidence(match.start(), match.end(), match.group(0)), False
    if self_killed and (perp.value is None or perp.value < self_killed) and self_evidence is not None:
        perp.value, perp.evidence, perp.vague = self_killed, self_evidence, False
    others = _OTHERS_SELF_KILL.search(text)
    if (
        others
        and perp.value
        and perp.evidence is not None
        # the others of the count just made, in its sentence ("In total, five assailants were killed" later
        # counts them all)
        and not re.search(r"[.!?;]\s", text[perp.evidence.end : others.start()])
        and perp.evidence.end <= others.start()
        and (more := parse_number(others["n"]) if others["n"] else 1)
    ):
        perp.value += more
    if fatalities is not None:
        total, total_evidence = fatalities
        killed_victims = total - (perp.value or 0)
        if killed_victims > 0 and (tallies["killed"].value is None or tallies["killed"].value < killed_victims):
            tallies["killed"].value, tallies["killed"].evidence = killed_victims, total_evidence
            tallies["killed"].vague = False
    out: dict[str, FieldValue] = {}
    nothing = _NONE.search(text)
    for name, tally in tallies.items():
        if tally.value is not None:
            out[name] = FieldValue(tally.value, 0.85, tally.evidence)
        elif tally.vague:
            out[name] = FieldValue(None, 0.3, tally.evidence)
        elif nothing:
            out[name] = FieldValue(0, 0.9, Evidence(nothing.start(), nothing.end(), nothing.group(0)))
        else:
            out[name] = FieldValue(0, 0.4, None)
    if security.value is not None:
        out["killed_security"] = FieldValue(security.value, 0.75, security.evidence)
    duration = _DURATION.search(text)
    if duration:
        amount = duration["n"] or duration["n2"]
        unit = (duration["unit"] or duration["unit2"]).lower()
        hours = parse_number(amount)
        if hours is not None:
            value = float(hours * (24 if unit.startswith("day") else 1))
            out["duration_hours"] = FieldValue(
                value, 0.7, Evidence(duration.start(), duration.end(), duration.group(0))
            )
    return quoted_from(out, original)
