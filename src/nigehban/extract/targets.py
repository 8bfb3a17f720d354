"""Who was attacked: cue words for the target type, read from the report's victim phrases.

GTD (and the incident record) codes the target type by who or what the victim was: police,
soldiers, a school, a shrine, a gas pipeline, a tribal elder, a peace-committee member. The
words that say so sit in a few places of a report: the object of the attack verb ("targeting a
police checkpost", "shot dead two FC personnel", "blew up a gas pipeline"), the subject of a
passive ("two teachers were shot dead"), and the first sentence generally. This module turns
those places into *cue tokens* -- one per lexicon class met, prefixed by where it was met
(``vc`` the victim phrase, ``fc`` the first sentences; repeated for each word met, up to three) -- which the classifier
(:mod:`nigehban.extract.classify`) takes as a feature block of its own beside the words. The
lexicon generalises the model: a word seen in training for one class ("policeman") carries the
class to its synonyms ("constable", "Levies", "Elite Force") that the training texts may lack.

The lexicon classes are not the target types one to one (``civilian`` also covers houses and
markets, ``party`` the political parties GTD sometimes codes as government, sometimes as a
violent party); the model learns how much each cue weighs for each type.

>>> target_cues("Gunmen shot dead two policemen at a checkpost in Quetta.")
'vc_police vc_police fc_police fc_police fc_attacker'
>>> target_cues("Militants blew up a gas pipeline in Dera Bugti")
'vc_utility fc_utility fc_attacker'
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["CUE_CLASSES", "CUE_TERMS", "MAX_REPEAT", "target_cues", "victim_phrases"]

# Each class: words and phrases (any case) and acronyms (capitals only: "FC", "SHO", "ANP").
_LEXICON: dict[str, tuple[str, str]] = {
    "police": (
        r"police\w*|policem[ae]n|constables?|cops?|inspectors?|sub-inspectors?|levies|levy\s+(?:force|personnel)"
        r"|rangers|khasadars?|khassadars?|elite\s+force|traffic\s+wardens?|thana|police\s+stations?"
        r"|check\s?posts?|checkpoints?|police\s+lines|counter[\s\-]terrorism\s+department|station\s+house\s+officer"
        r"|superintendent",
        r"SHO|DSP|SSP|ASI|SP|IGP|DIG|CTD|CID",
    ),
    "military": (
        r"soldiers?|troops?|army|military|frontier\s+corps|paramilitar\w*|security\s+forces?|security\s+personnel"
        r"|security\s+convoy|convoy|cantonment|cadets?|air\s+force|navy|naval|major|colonel|brigadier|general"
        r"|lieutenant|sepoys?|scouts|jawans?|forces|fort|garrison|NATO|coalition|ISAF|servicem[ae]n|army\s+personnel"
        r"|ex-servicem[ae]n",
        r"FC|ISI|PAF|ISPR|NLC|SSG|US",
    ),
    "education": (
        r"schools?|colleges?|universit(?:y|ies)|students?|teachers?|principal|headmasters?|headmistress"
        r"|classrooms?|education\w*|professors?|lecturers?|academ(?:y|ies)|pupils?|schoolgirls?|schoolboys?"
        r"|schoolchildren|hostel",
        r"",
    ),
    "seminary": (r"madrass?ahs?|madrass?as?|seminar(?:y|ies)|religious\s+schools?", r""),
    "religious": (
        r"mosques?|masjid|shrines?|imambargahs?|imam\s?bargahs?|church(?:es)?|temples?|gurdwaras?|clerics?"
        r"|prayer\s+leaders?|pesh\s+imam|imams?|maulana|maulvi|mullahs?|ulema|worshipp?ers?|processions?|muharram"
        r"|ashura|majlis|ahmadi\w*|mazar|darbar|prayers?|pilgrims?|tablighi|sufi|religious\s+(?:scholars?|leaders?)"
        r"|priests?|pastors?|congregation|zaireen|sect\w*|qari",
        r"",
    ),
    "business": (
        r"shops?|shopkeepers?|traders?|stores?|hotels?|restaurants?|banks?|factor(?:y|ies)|mills?|compan(?:y|ies)"
        r"|business\w*|merchants?|cd\s+shops?|music\s+(?:shops?|centres?|centers?)|video\s+(?:shops?|centres?|centers?)"
        r"|barbers?|barber\s+shops?|salons?|beauty\s+parlou?rs?|cinemas?|petrol\s+pumps?|filling\s+stations?|cng"
        r"|contractors?|plazas?|firms?|kiosks?|godowns?|warehouses?|engineers?|construction|hospitals?|clinics?"
        r"|doctors?|pharmac(?:y|ies)|industr\w+|coal\s+mines?|mines?|miners?|jewell?ers?|money\s+changers?|cafes?"
        r"|internet\s+cafes?|snooker|markets?\s+(?:association|union)|security\s+guards?|watchm[ae]n|guards?",
        r"",
    ),
    "government": (
        r"government|officials?|ministers?|mpa|mna|senators?|nazims?|naib\s+nazim|councill?ors?|tehsil\s+offices?"
        r"|commissioners?|courts?|judges?|judicial|lawyers?|politicians?|candidates?|elections?|polling"
        r"|secretariat|assembly|political\s+agents?|administration|mayors?|governors?|lawmakers?|legislators?"
        r"|bureaucrats?|civil\s+servants?|revenue|patwari|tehsildars?|post\s+office|nadra|election\s+office"
        r"|district\s+(?:coordination\s+)?officers?|assistant\s+commissioner|deputy\s+commissioner|offices?",
        r"DCO|DPO|WAPDA|NADRA|BISP",
    ),
    "civilian": (
        r"civilians?|people|villagers?|residents?|tribesm[ae]n|passers?-?by|pedestrians?|crowds?|weddings?"
        r"|funerals?|family|famil(?:y|ies)|women|children|wom[ae]n|child|girls?|boys?|men|houses?|homes?"
        r"|residences?|villages?|spies|spying|spy|informers?|informants?|collaborat\w+|markets?|bazaars?"
        r"|shepherds?|farmers?|labou?rers?|drivers?|brothers?|sons?|daughters?|relatives?|shias?|shiites?"
        r"|sunnis?|hindus?|christians?|sikhs?|hazaras?|settlers?|punjabis?|citizens?|locals?|picnic|park"
        r"|hujra|jirga",
        r"",
    ),
    "elder": (r"tribal\s+elders?|elders?|maliks?|malik|chieftains?|sardars?|waderas?|notables?|khan\s+of", r""),
    "transport": (
        r"bus(?:es)?|vans?|passenger\s+\w+|trains?|railways?|railway\s+tracks?|rail\s+tracks?|tracks?|bridges?"
        r"|roads?|highways?|vehicles?|trucks?|lorr(?:y|ies)|coaches|coach|passengers?|wagons?|rickshaws?|taxis?"
        r"|bus\s+(?:stands?|stops?|terminals?|stations?)|containers?|jeeps?|motorcycles?|cars?|tunnel",
        r"",
    ),
    "supply": (
        r"nato\s+(?:supply|supplies|oil|fuel|containers?|trucks?|tankers?)|supply\s+(?:trucks?|vehicles?|containers?"
        r"|convoy|tankers?)|oil\s+tankers?|fuel\s+tankers?|tankers?|containers?\s+carrying",
        r"",
    ),
    "utility": (
        r"gas\s+pipelines?|pipelines?|gas|electricity|power\s+(?:lines?|pylons?|towers?|grid|stations?|plants?"
        r"|supply|transmission|houses?)|pylons?|transmission\s+(?:lines?|towers?)|transformers?|grid\s+stations?"
        r"|water\s+(?:supply|pipes?|tanks?|works)|tube\s?wells?|electric\w*|feeders?|gas\s+fields?|wells?|dams?"
        r"|canals?|high[\s\-]tension",
        r"WAPDA|SNGPL|SSGC|PEPCO|OGDCL|KESC",
    ),
    "telecom": (
        r"mobile\s+(?:phone\s+)?towers?|cell(?:ular)?\s+(?:phone\s+)?towers?|telecom\w*|telephone\s+exchanges?"
        r"|communication\s+towers?|towers?|exchange|ufone|mobilink|telenor|warid|zong|internet",
        r"PTCL",
    ),
    "journalist": (
        r"journalists?|reporters?|press\s+clubs?|newspapers?|correspondents?|cameram[ae]n|tv\s+channels?"
        r"|television|media|editors?|photographers?|cable\s+(?:tv|operators?|networks?)|radio|news\s+agency|press",
        r"",
    ),
    "ngo": (
        r"ngos?|aid\s+workers?|charit\w+|united\s+nations|unhcr|unicef|wfp|red\s+cross|red\s+crescent|humanitarian"
        r"|relief|health\s+workers?|polio|vaccinat\w+|lady\s+health\s+workers?|edhi|non[\s\-]governmental"
        r"|welfare|volunteers?",
        r"UN|NGO|NGOs|ICRC|WHO",
    ),
    # Victims who are militants themselves: a commander, a rival faction, members of a banned group.
    "militant": (
        r"(?:militant|taliban|rebel|insurgent|jihadi)\s+(?:commanders?|leaders?|chiefs?|members?|groups?|factions?)"
        r"|commanders?|pro-taliban|rival\s+(?:militant\s+)?(?:groups?|factions?)|former\s+militants?|militants?\s+of"
        r"|members?\s+of\s+(?:the\s+)?(?:banned|outlawed|defunct)|banned|outlawed|tnsm|ansar\s?ul\s+islam"
        r"|lashkar-e-islam|lashkar-e-taiba|faction|fighters|militiam[ae]n|criminals?",
        r"TTP|LeI|LeT|TNSM",
    ),
    # Armed villagers on the government's side: peace committees, tribal lashkars, village defence.
    "peace_militia": (
        r"peace\s+committees?|peace\s+lashkars?|lashkars?|aman\s+lashkar|aman\s+committee|anti-taliban"
        r"|anti-militant|pro-government|government-backed|militias?|tribal\s+(?:militias?|force)|defence\s+committee"
        r"|village\s+defence|razakars?|volunteer\s+force",
        r"",
    ),
    "party": (
        r"muttahida|people['’]?s\s+party|muslim\s+league|awami\s+national|jamiat|jamaat-e-islami|jamaat"
        r"|party\s+(?:workers?|activists?|leaders?|offices?|members?|candidates?)|activists?|workers|political"
        r"|baloch\s+national|balochistan\s+national|sunni\s+tehreek|sipah|tehreek-e-insaf|insaf|rally|rallies"
        r"|jamhoori\s+watan|national\s+party|pakhtunkhwa\s+milli|party",
        r"MQM|PPP|PML|PML-N|PML-Q|ANP|JUI|JUI-F|BNP|PTI|JWP|ST|NP|BSO|PSF|APMSO|JI|MWM",
    ),
    "airport": (r"airports?|aircraft|helicopters?|planes?|air\s?base|airfields?|runway|helipad|airline", r""),
    "foreigner": (
        r"tourists?|foreigners?|foreign\s+nationals?|expatriates?|chinese|americans?|british|french|germans?"
        r"|japanese|koreans?|iranians?|afghans?|embass(?:y|ies)|consulates?|diplomats?|ambassadors?|envoys?"
        r"|consuls?|diplomatic",
        r"",
    ),
    "food": (r"food|flour|wheat|grain|water\s+supply|ration", r""),
    "maritime": (r"ships?|boats?|ports?|vessels?|fishing|fishermen|harbou?r|jetty", r""),
    "attacker": (
        r"militants?|gunmen|assailants?|attackers?|terrorists?|bombers?|insurgents?|miscreants?|perpetrators?",
        r"",
    ),
}
CUE_CLASSES = tuple(_LEXICON)
"""The lexicon's classes, in the order their cue tokens are written."""


def _compile(part: int, flags: int) -> re.Pattern[str]:
    alternatives = [rf"(?P<{name}>{entry[part]})" for name, entry in _LEXICON.items() if entry[part]]
    return re.compile(r"(?<![\w\-])(?=\w)(?:" + "|".join(alternatives) + r")(?![\w\-])", flags)


_CUE_WORDS = _compile(0, 0)  # matched on the lower-cased text
_CUE_ACRONYMS = _compile(1, 0)  # matched on the text as written
_STAMP = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{4}:\s*")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])|\n+")
# Verbs and phrases after which the victim is named ("targeting a police station", "shot dead two
# soldiers", "blew up a gas pipeline", "an attack on a school", "exploded near a mosque").
_ACTIVE = re.compile(
    r"\b(?:target(?:ed|ing|s)?|attack(?:ed|ing|s)?|attacks?\s+(?:on|at|against)|assault(?:ed|ing)?|raid(?:ed|ing)?"
    r"|ambush(?:ed|ing)?|storm(?:ed|ing)?|fired\s+(?:\w+\s+){0,3}?(?:on|at|upon|into)|opened\s+fire\s+(?:on|at|upon)"
    r"|firing\s+(?:on|at|upon)|shot(?:\s+dead|\s+and\s+killed|\s+and\s+wounded|\s+and\s+injured)?|shooting"
    r"|gunned\s+down|kill(?:ed|ing|s)?|murder(?:ed|ing)?|behead(?:ed|ing)?|slaughter(?:ed|ing)?|slain"
    r"|kidnap(?:ped|ping|s)?|abduct(?:ed|ing|s)?|took\s+(?:\w+\s+){0,2}?hostage|blew\s+up|blowing\s+up|blow\s+up"
    r"|bomb(?:ed|ing|s)?|set\s+(?:fire\s+to|ablaze|on\s+fire)|torch(?:ed|ing)?|burn(?:ed|t|ing)?|destroy(?:ed|ing)?"
    r"|damag(?:ed|ing)|hurl(?:ed|ing)\s+(?:\w+\s+){0,2}?(?:at|into|on)|thr(?:ew|owing|own)\s+(?:\w+\s+){0,2}?(?:at|into|on)"
    r"|(?:planted|exploded|detonated|went\s+off|struck|hit|rammed|explosion|blast|bomb|device)\s+(?:\w+\s+){0,3}?"
    r"(?:in|at|near|outside|inside|on|into|under|targeting|against|beside|close\s+to)"
    r"|injur(?:ed|ing)|wound(?:ed|ing)|martyr(?:ed|ing)|carrying|belonging\s+to|owned\s+by|house\s+of|residence\s+of"
    r"|vehicle\s+of|home\s+of|office\s+of|convoy\s+of)\b",
    re.IGNORECASE,
)
# A passive: the victim is in the words before it ("two teachers were shot dead").
_PASSIVE = re.compile(
    r"\b(?:was|were|had\s+been|has\s+been|have\s+been|are|is|got)\s+(?:\w+\s+)?"
    r"(?:shot|killed|kidnapped|abducted|injured|wounded|targeted|attacked|beheaded|gunned|murdered|blown|set|torched"
    r"|damaged|destroyed|martyred|slain|hurt|ambushed|bombed|hit)\b",
    re.IGNORECASE,
)
_WORDS_BEFORE = re.compile(r"(?:[\w'’\-]+,?\s+){1,6}$")
# Headline style without the auxiliary: "Peace committee member shot dead in Swat".
_HEADLINE_PASSIVE = re.compile(
    r"^((?:[\w'’\-]+,?\s+){1,6}?)(?:shot|killed|kidnapped|abducted|injured|wounded|gunned|murdered|martyred|slain"
    r"|beheaded|targeted|attacked|blown|torched|bombed|hit)(?:\s+(?:dead|down|up))?"
    r"(?=\s+(?:in|at|near|on|outside|inside|by|during|while|as|after|when|and)\b|\s*[,.;:]|\s*$)",
    re.IGNORECASE,
)
# Headline style: "Gunmen kill two policemen", "IED explosion targets FC convoy", "Blast hits school".
_HEADLINE_VERB = re.compile(r"\b(?:kills?|targets?|hits?|attacks?|bombs?|blows\s+up|shoots?|kidnaps?|abducts?)\b", re.I)
_VICTIM_CHARS = 60
MAX_REPEAT = 3
_FIRST_SENTENCES = 2


def _event_text(text: str) -> str:
    body = _STAMP.sub("", text)
    spans = _SENTENCE.split(body, maxsplit=_FIRST_SENTENCES)
    return " ".join(spans[:_FIRST_SENTENCES])


def victim_phrases(text: str) -> list[str]:
    """The stretches of the first sentences that name the victim: after an attack verb, before a passive."""
    body = _event_text(text)
    phrases = [body[m.end() : m.end() + _VICTIM_CHARS] for m in _ACTIVE.finditer(body)]
    for m in _PASSIVE.finditer(body):
        before = _WORDS_BEFORE.search(body[max(0, m.start() - _VICTIM_CHARS) : m.start()])
        if before:
            phrases.append(before.group(0))
    phrases += [m.group(1) for m in _HEADLINE_PASSIVE.finditer(body)]
    phrases += [body[m.end() : m.end() + _VICTIM_CHARS] for m in _HEADLINE_VERB.finditer(body)]
    return phrases


def _classes(text: str) -> list[str]:
    found = [m.lastgroup for m in _CUE_WORDS.finditer(text.lower()) if m.lastgroup]
    return found + [m.lastgroup for m in _CUE_ACRONYMS.finditer(text) if m.lastgroup]


def target_cues(text: str) -> str:
    """Cue tokens for ``text``: ``vc_<class>`` for each lexicon word in a victim phrase, ``fc_<class>`` for each
    in the first sentences (at most :data:`MAX_REPEAT` of a class per place), space-separated."""
    victim = Counter(name for phrase in victim_phrases(text) for name in _classes(phrase))
    first = Counter(_classes(_event_text(text)))
    tokens = [f"vc_{name}" for name in CUE_CLASSES for _ in range(min(victim[name], MAX_REPEAT))]
    tokens += [f"fc_{name}" for name in CUE_CLASSES for _ in range(min(first[name], MAX_REPEAT))]
    return " ".join(tokens)


CUE_TERMS = tuple(f"{place}_{name}" for place in ("vc", "fc") for name in CUE_CLASSES)
"""Every token :func:`target_cues` can write (the classifier's fixed vocabulary for this block)."""
