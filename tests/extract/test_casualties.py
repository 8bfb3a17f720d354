"""Casualties: killed and wounded split into victims and attackers, security forces, vague counts, duration."""

from __future__ import annotations

import pytest

from nigehban.extract.casualties import extract_casualties, parse_number


def _values(text: str) -> dict[str, object]:
    return {name: value.value for name, value in extract_casualties(text).items()}


@pytest.mark.parametrize(
    ("text", "killed", "killed_perpetrators", "wounded"),
    [
        # agency note
        ("19 police officials and two militants were killed in the clash, officials said.", 19, 2, 0),
        # news headline
        ("Suicide bomber kills 25, injures 40 at Peshawar mosque", 25, 1, 40),
        ("Blast in Bannu bazaar leaves five dead, 12 injured", 5, 0, 12),
        # GTD summary style
        ("01/25/1998: Unknown perpetrators planted a bomb on a bus in Mandiala, Pakistan, injuring fifteen.", 0, 0, 15),
        ("A suicide bomber blew himself up at a checkpost, killing 25 and injuring fifteen.", 25, 1, 15),
        ("At least 3 people died when a rocket hit a house in Miranshah.", 3, 0, 0),
        ("Gunmen stormed the hotel; two guards were killed. The attacker was also killed.", 2, 1, 0),
        ("Assailants fired on the minister, killing the minister and wounding one civilian.", 1, 0, 1),
        ("Militants killed 15 police officers, four civilians, and injured 24 others.", 19, 0, 24),
        ("Four civilians, including one child, were killed and six others were wounded.", 4, 0, 6),
        ("Unidentified gunmen shot dead two engineers in Karachi. No one else was injured.", 2, 0, 0),
        ("A grenade was hurled at a shop, causing no casualties.", 0, 0, 0),
        ("The Shia cleric was shot and killed outside his home in Dera Ismail Khan.", 1, 0, 0),
        ("One person died and six were wounded after a mortar shell exploded.", 1, 0, 6),
        ("Two suicide bombers blew themselves up at the gate, killing seven soldiers.", 7, 2, 0),
        ("Police said twenty-one people were wounded at 1615 in the blast.", 0, 0, 21),
        # "another" is one more of the people just counted, of the kind its own word says
        ("One soldier was killed and another injured in the assault.", 1, 0, 1),
        (
            "Two policemen martyred in Bannu attack\nBANNU: Two policemen were martyred and another injured when "
            "terrorists attacked a checkpost.",
            2,
            0,
            1,
        ),
        # the clause after ", and" is no longer the subset that "including" opened
        (
            "Four people were killed, including two OGDCL officials and two FC personnel, and seven others were "
            "injured in the blast.",
            4,
            0,
            7,
        ),
        # the military's press releases: a soldier's age and home in brackets, "having fought bravely"
        (
            "Two terrorists were sent to hell while Sepoy Muhammad Irfan (age 24 years, resident of District "
            "Kurram) having fought bravely, embraced shahadat.",
            1,
            2,
            0,
        ),
        (
            "Resultantly, Naik Abdul Rauf (age 34 years, resident of District Karak) and Sepoy Nasir Ali (age 22 "
            "years, resident of District Bannu) embraced shahadat.",
            2,
            0,
            0,
        ),
        # a count with its article is read once ("the two men", "his two sons"); a named victim's companions
        ("The two FC personnel were killed in the attack.", 2, 0, 0),
        ("A tribal elder and his two sons were killed in the attack.", 3, 0, 0),
        ("Of the six injured passengers, four were civilians; six people were injured in all.", 0, 0, 6),
        ("Assailants shot and killed Agha Aftab Haider Jaffri and his companion in Saddar Town.", 2, 0, 0),
        ("The militants opened fire, killing Begum and her five family members.", 6, 0, 0),
        # "one" naming people of the count before it is no more people; a list of kinds is
        ("Two civilians, one a taxi driver, were injured in the attack.", 0, 0, 2),
        ("Four were killed, all Hindus, and the other two, one Muslim and one Hindu, suffered injuries.", 4, 0, 2),
        ("Two soldiers, one civilian and one child were killed.", 4, 0, 0),
        # "the deaths of 12 people, including ... two militants"; animals are nobody
        (
            "The attack resulted in the deaths of 12 people, including four tribesmen and two militants, and the "
            "injury of ten others.",
            10,
            2,
            0,
        ),
        ("A bomb killed one man. Eight of the shepherd's sheep were killed.", 1, 0, 0),
        # a named victim's companions, each with a name; not the source of the report
        (
            "Militants attacked the elder's house, killing him, his security man, Laiq Khan, and his driver, "
            "Nasrullah Jan.",
            3,
            0,
            0,
        ),
        ("Gunmen killed him, his father said.", 1, 0, 0),
        # a bare count after "and" is the same people as the count before it
        ("In retaliation, soldiers killed eight attackers and injured three.", 0, 8, 0),
        ("The blast killed two soldiers and injured three.", 2, 0, 3),
        # the bomber among the dead, named second
        ("At least 20 people, including Khanzada and the bomber, were killed in the blast.", 19, 1, 0),
        # an event note's "Fatalities: N" is the total of the deaths it has told
        ("1 policeman killed, 2 militants killed in return fire. Fatalities: 3.", 1, 2, 0),
        # "four of his associates" after the verb; "Both were killed"
        ("Militants fired on a peace committee chief's car, killing the chief and four of his associates.", 5, 0, 0),
        ("Gunmen opened fire on a Chinese tourist and a Pakistani civilian. Both were killed in the attack.", 2, 0, 0),
        ("Both sides clashed and two were killed.", 2, 0, 0),
        # police situation reports: a belt number and a date count nobody; a role in brackets; an officer by rank
        ("Resultantly HC Ali Khan No. 123 embraced shahadat while Ct. Asif Nawaz got injured.", 1, 0, 1),
        ("On 30.11.2023 evening, ASI Sardar Ali of PS Hayatabad was shot dead by two motorcyclists.", 1, 0, 0),
        ("Constable Muhammad Riaz (escort) martyred on the spot. Polio workers remained safe.", 1, 0, 0),
        ("Terrorists ambushed a convoy near Razmak. Captain and 02 soldiers shaheed, 01 injured.", 3, 0, 1),
        # "claimed the lives of", the dead listed after the word, a form's labels, the military's "neutralised"
        ("The blast claimed the lives of 12 people and left 30 injured.", 12, 0, 30),
        ("The deceased included two policemen and a child.", 3, 0, 0),
        ("The dead included nine soldiers and three civilians; 20 were hurt.", 12, 0, 20),
        ("Casualties: 3 killed, 7 injured.", 3, 0, 7),
        ("Shaheed: 2 (police). Injured: 4.", 2, 0, 4),
        ("Three terrorists were neutralised while two soldiers embraced martyrdom.", 2, 3, 0),
        # attackers dead beyond those counted, and attackers killed after they killed
        (
            "Four people lost their lives; three attackers were killed and two others blew themselves up.",
            4,
            5,
            0,
        ),
        (
            "Three militants disguised in burqas stormed the institute, killing nine people before being killed.",
            9,
            3,
            0,
        ),
        # ... but a total given later is the total
        (
            "Police killed two attackers. Two other attackers blew themselves up. In total, five assailants were "
            "killed.",
            0,
            5,
            0,
        ),
        # breaking news: a toll "so far" is this attack's; a bare count after the subset resumes the list
        ("BREAKING: Police say 2 officials martyred so far.", 2, 0, 0),
        ("Blast near a police vehicle; 5 dead including one policeman, 21 injured.", 5, 0, 21),
        ("Suicide blast at a fruit market; 20 killed incl. 8 Hazaras, 48 injured.", 20, 1, 48),
        # a rank's abbreviation in brackets closes the "including" part
        (
            "Four Policemen, including a Deputy Superintendent of Police (DSP), were killed in an IED blast.",
            4,
            0,
            0,
        ),
    ],
)
def test_counts_in_several_styles(text: str, killed: int, killed_perpetrators: int, wounded: int) -> None:
    values = _values(text)
    assert (values["killed"], values["killed_perpetrators"], values["wounded"]) == (
        killed,
        killed_perpetrators,
        wounded,
    )


def test_security_forces_among_the_victims() -> None:
    found = extract_casualties("Three FC personnel and a civilian were killed when militants ambushed the convoy.")
    assert found["killed"].value == 4
    assert found["killed_security"].value == 3
    assert "killed_security" not in extract_casualties("Four shoppers were killed in the blast.")


def test_vague_counts_give_no_number() -> None:
    found = extract_casualties("Dozens were injured when the bomb went off.")
    assert found["wounded"].value is None
    assert found["wounded"].confidence < 0.5
    assert found["killed"].value == 0


def test_evidence_spans_point_into_the_text() -> None:
    text = "On Friday evening a bomb exploded, killing 25 people and injuring fifteen."
    found = extract_casualties(text)
    for name in ("killed", "wounded"):
        evidence = found[name].evidence
        assert evidence is not None
        assert text[evidence.start : evidence.end] == evidence.text
    assert found["killed"].evidence is not None
    assert "25" in found["killed"].evidence.text
    # read with brackets, abbreviations' full stops and belt numbers blanked, but quoted as written
    text = "On 30.11.2023, Two (02) FC personnel were martyred while Ct. Asif Nawaz No. 123 got injured."
    found = extract_casualties(text)
    assert (found["killed"].value, found["wounded"].value) == (2, 1)
    for name in ("killed", "wounded"):
        evidence = found[name].evidence
        assert evidence is not None
        assert text[evidence.start : evidence.end] == evidence.text
    killed = found["killed"].evidence
    assert killed is not None
    assert "(02)" in killed.text


def test_silence_is_zero_with_low_confidence() -> None:
    found = extract_casualties("Militants blew up a girls' school in Swat at night.")
    assert (found["killed"].value, found["killed"].confidence, found["killed"].evidence) == (0, 0.4, None)


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("The gun battle lasted at least three hours before the attackers were killed.", 3.0),
        ("Commandos ended the 10-hour siege of the airbase.", 10.0),
        ("Security forces fought the militants for two days.", 48.0),
    ],
)
def test_duration(text: str, hours: float) -> None:
    assert extract_casualties(text)["duration_hours"].value == hours


def test_number_words() -> None:
    assert [parse_number(word) for word in ("twenty five", "ninety-nine", "half a dozen", "one hundred")] == [
        25,
        99,
        6,
        100,
    ]
    assert parse_number("several") is None


@pytest.mark.parametrize(
    ("text", "killed", "killed_perpetrators"),
    [
        # headline in the present tense; an intention is not a death
        ("Gunmen kill six PPP workers in Attock", 6, 0),
        ("Militants kill 3 FC soldiers, injure 5 in Kurram ambush", 3, 0),
        ("Police foil plot to kill judge in Multan", 0, 0),
        ("Taliban vow to kill 10 soldiers for every fighter killed in the operation", 0, 0),
        # "to death" and "fatally"
        ("The tribal leader was shot to death outside a mosque in Quetta on Tuesday.", 1, 0),
        ("Gunmen on motorcycles fatally shot three Chinese engineers and their Pakistani driver in Hub.", 4, 0),
        ("Unidentified militants decapitated three civilians in Mingora, police said.", 3, 0),
        # an age is not a count
        ("A roadside bomb hit a jeep near Razmak, killing a 10-year-old boy and wounding three people.", 1, 0),
        ("Two girls, aged six and eight, were killed when the device went off in their courtyard.", 2, 0),
        # a time and a date are not counts
        ("On Saturday afternoon around 1600, five civilians were killed in the mosque blast.", 5, 0),
        ("The councillor was kidnapped on Wednesday. On 08/28/2009 his body was found; he had been killed.", 1, 0),
        # "along with", pairs named without a number, the victims as "them"
        ("Six civilians were killed, along with four soldiers and three children.", 13, 0),
        ("The JWP vice-president was shot dead alongside his driver in Quetta.", 2, 0),
        ("Militants killed the tribal elder along with his two sons in Bajaur.", 3, 0),
        ("Assailants killed one tribal elder, his son and mother-in-law in Shawar.", 3, 0),
        ("The tribal elder's nephew and driver were killed in the attack in Jamrud.", 2, 0),
        ("Haider and his driver were killed and other bystanders were injured.", 2, 0),
        ("Militants kidnapped two tribal leaders in Mohmand and later beheaded them.", 2, 0),
        # a campaign's total is not this attack's toll
        ("He was one of more than 200 party activists assassinated so far in Swat.", 0, 0),
        # "another" as the second of a pair; an apposition is not a new clause
        ("Zaidi and another were killed in the attack and a passer-by was injured.", 2, 0),
        ("A rickshaw driver and another person died and ten others were injured.", 2, 0),
        ("Two persons, identified as Ahmed Yar and Muhammad Nawaz, were killed in the blast.", 2, 0),
        # a body found where no death was counted
        ("Bullet-riddled body of kidnapped trader found in Bara", 1, 0),
        ("Militants kidnapped a tribal elder on Monday. His body was found near Miranshah on Wednesday.", 1, 0),
        ("The bodies of three men were found in Wana; a note said they were spies.", 3, 0),
        ("Police recovered the bodies of two militants after the clash.", 0, 2),
        # "pro-Taliban" describes the victim, not an attacker
        ("A pro-Taliban cleric was assassinated in Karachi along with a fellow cleric.", 2, 0),
        # an abbreviation in brackets inside the victims' noun phrase
        ("Two Frontier Corps (FC) personnel were killed in an IED blast in Turbat.", 2, 0),
        ("Three Muttahida Qaumi Movement (MQM) workers were killed when gunmen opened fire.", 3, 0),
        ("Gunmen shot and killed a Tehrik-e-Nefaz-e-Shariat-e-Mohammadi (TNSM) militant in Dir.", 0, 1),
        # ... but not one before "and" ("the chairman of the BNP and President of the Bar" is one man)
        (
            "The chairman of the Balochistan National Party (BNP) and President of the Bar, Abdul Salam, was killed.",
            1,
            0,
        ),
        # the size of a body is not a toll
        ("A deputy of the 13-man committee of the Tehrik-e-Taliban Pakistan (TTP) was killed in an attack.", 1, 0),
        # a day of the month is not a count
        ("Dera Bugti: On June 4, two FC personnel were martyred when their vehicle struck a landmine.", 2, 0),
        ("On 4 June, two FC personnel were martyred when their vehicle struck a landmine.", 2, 0),
        # attackers counted as a group, all killed
        (
            "At least 141 people were martyred when militants stormed the school. All seven attackers, who were "
            "wearing suicide vests, were killed during the operation.",
            141,
            7,
        ),
        ("9 soldiers were killed and 5 injured; security forces killed all 5 attackers. Fatalities: 14.", 9, 5),
        ("2 police and 2 civilians were killed. All 3 attackers were killed by police. Fatalities: 7.", 4, 3),
        ("Khanzada, a DSP and 17 others were killed. Both bombers died in the blasts. Fatalities: 21.", 19, 2),
        ("Eleven people were killed. Two of the attackers blew themselves up, while the others escaped.", 11, 2),
        (
            "Twenty-nine people embraced shahadat. The attackers, who wore FC uniforms, were engaged by the quick "
            "reaction force and all 13 of them were killed.",
            29,
            13,
        ),
        ("Gunmen opened fire on five labourers; all five of them were killed.", 5, 0),
        (
            "Minister Shuja Khanzada martyred in suicide attack\n\nATTOCK: Col (retd) Shuja Khanzada and 18 others "
            "were martyred.",
            19,
            1,
        ),
        (
            "Five persons were killed when two suicide bombers attempted to storm the compound. One bomber was shot "
            "dead by the guards at the gate and the other blew himself up.",
            5,
            2,
        ),
        # a toll that rose, with the bomber in it
        ("The death toll from Monday's suicide bombing rose to 101, including the bomber, on Tuesday.", 100, 1),
        ("There were 28 fatalities after a child suicide bomber detonated his explosives.", 27, 1),
        # the bomber the only dead; the most bombers any mention counts
        ("The bomber was the only person killed; four soldiers were injured in the blast.", 0, 1),
        (
            "Minister martyred in suicide attack. ATTOCK: The minister and 18 others were martyred when two suicide "
            "bombers struck his office.",
            19,
            2,
        ),
        # a rank in brackets does not hide the person named before "and 18 others"
        ("Home Minister Col (retd) Shuja Khanzada and 18 others, including a DSP, were martyred.", 19, 0),
        # victims with a subset, and the attackers after it
        (
            "Four people, including three security guards and a police officer, and all four assailants were killed.",
            4,
            4,
        ),
        # a count broken down between commas or dashes is not counted twice
        ("At least 19 people, nine Pakistani soldiers and 10 assailants, were killed in the clash.", 9, 10),
        ("Two Aga Khan workers, a security guard and a driver, were killed in the incident.", 2, 0),
        (
            "13 people were killed - 9 Chinese nationals, 2 FC soldiers and 2 Pakistani civilians - and 28 injured.",
            13,
            0,
        ),
        # a form's list
        ("Deceased: 3 Chinese nationals (incl. Director), 1 Pakistani driver. Injured: 2.", 4, 0),
        # a headline's count and the body's are not added across the line break
        (
            "Death toll in Bajaur rally bombing rises to 54\n\nAt least 54 people have been killed and 123 injured.",
            54,
            0,
        ),
        # a period's totals, many attacks' and a group's boast are not this attack's toll
        (
            "Four policemen were martyred when an IED struck their vehicle in Lakki Marwat. Overall, March saw 58 "
            "militant attacks in which 53 people were killed.",
            4,
            0,
        ),
        (
            "Militants carried out 62 attacks across Pakistan in December, killing 98 people. In the deadliest, "
            "militants attacked a police station in Daraban, killing 23 security personnel.",
            23,
            0,
        ),
        ("In total, five assailants were killed, and two policemen died.", 2, 5),
        (
            "Militants carried out nine attacks in Balochistan during the month, killing 14 people. Awaran: militants "
            "attacked a check post, killing two FC personnel.",
            2,
            0,
        ),
        ("In one of three related attacks, gunmen killed a tribesman on Dattakhel Road.", 1, 0),
        (
            "Two FC soldiers were killed and four others were injured in the blast. This was one of two related "
            "attacks; in total, five people were killed and nine were injured in the two attacks.",
            2,
            0,
        ),
        ("Constable Israr Khan No. 1190 (r/o Bannu) embraced shahadat and HC Zahid Ullah got injured.", 1, 0),
        ("Levies Daffadar Wali Muhammad and Sepoy Rasool Bakhsh embraced shahadat.", 2, 0),
        ("Militants hijacked the train; 26 hostages were killed. The BLA claimed to have killed 214 hostages.", 26, 0),
        # the deaths the attackers said they avenged
        (
            "Gunmen shot and killed a professor. The BLA said the attack was in retaliation for the killing of two "
            "Baloch women in Quetta.",
            1,
            0,
        ),
        ("A neighbourhood was bombed; two were injured. It was in response to the killing of a doctor.", 0, 0),
        # "the killing of" counts; "Among the notable incidents" is no subset
        ("Amnesty condemned the killing of 11 coal miners in the Mach area of Bolan district.", 11, 0),
        (
            "Among the notable incidents, four policemen, including a deputy superintendent of police, were martyred.",
            4,
            0,
        ),
        # a list's cells: the bomber in brackets; the emergency service's number
        ("Suicide bombing | Killed: 89 (including bomber) | Injured: 343 | Group: IS", 88, 1),
        (
            "Seven attackers were killed. The army's offensive has killed more than 1,100 militants since it began in "
            "June.",
            0,
            7,
        ),
    ],
)
def test_more_ways_of_saying_killed(text: str, killed: int, killed_perpetrators: int) -> None:
    values = _values(text)
    assert (values["killed"], values["killed_perpetrators"]) == (killed, killed_perpetrators)


@pytest.mark.parametrize(
    ("text", "killed", "killed_perpetrators", "wounded"),
    [
        # headlines drop the articles: one person named bare counts one
        ("Policeman shot dead in Peshawar", 1, 0, 0),
        ("Lady health worker gunned down in Bannu", 1, 0, 0),
        ("Police constable martyred, another injured in Bannu attack", 1, 0, 1),
        ("Teacher killed, student hurt in Swat firing", 1, 0, 1),
        ("Karachi: Cop killed in targeted attack", 1, 0, 0),
        ("Gunmen shoot dead polio worker in Bajaur", 1, 0, 0),
        ("Gunmen kill cleric in Peshawar", 1, 0, 0),
        ("Gunmen Kill Social Activist In Karachi", 1, 0, 0),
        ("Militant killed in Bajaur clash", 0, 1, 0),
        # not a bare person, or not a death
        ("Taliban threaten to kill judge in Swat", 0, 0, 0),
        ("Police foil plot to kill judge in Multan", 0, 0, 0),
        ("Police killed in line of duty remembered on Martyrs Day", 0, 0, 0),
        ("Suicide bomber kills the minister at a rally in Charsadda", 1, 1, 0),
        ("Hizbul Ahrar claims killing of two policemen in Peshawar", 2, 0, 0),
        ("Daesh claims killing of JUI-F leader in Bajaur", 1, 0, 0),
        ("Gunmen kill social activist Sabeen Mahmud in Karachi", 1, 0, 0),
        # a toll that rose
        ("Death toll from Peshawar mosque blast rises to 100", 100, 0, 0),
        ("Death toll: 12; injured: 30", 12, 0, 30),
        # headline verbs in the present tense
        ("Three FC men embrace martyrdom in Kech attack", 3, 0, 0),
        ("Seven perish as blast rips through Quetta market", 7, 0, 0),
        ("Militants behead two Levies men in Khyber", 2, 0, 0),
        # the part of a group that died; numbers echoed in brackets; "two dozen"; the ISPR's idiom
        ("Gunmen pulled 25 Shia passengers off buses and shot 20 of them dead, officials said.", 20, 0, 0),
        ("Three (03) FC personnel embraced shahadat while two (02) got injured in Turbat.", 3, 0, 2),
        ("Two dozen people were injured in a grenade attack on a rally.", 0, 0, 24),
        ("Militants attacked a checkpost, martyring 4 soldiers; 3 terrorists were also sent to hell.", 4, 3, 0),
        # attackers included in a killed count are the attackers' (GTD's later summaries)
        ("At least 29 people, including 13 assailants, were killed in the attack.", 16, 13, 0),
        ("At least 156 people, including all seven assailants, were killed and 133 others were injured.", 149, 7, 133),
        ("Five people, including a soldier, and three assailants were killed in the attack.", 5, 3, 0),
        # the source of the report is no victim
        ("Terrorists attacked an FC patrol in Buleda on Tuesday, martyring two soldiers, the ISPR said.", 2, 0, 0),
        # a pronoun's death; suicide bombers arrested do not die
        ("Gunmen opened fire on Muhammad Nawaz at Bazar Kalan, as a result of which he died on the spot.", 1, 0, 0),
        ("Police foiled a plot in Quetta, arresting two suicide bombers. No one was hurt.", 0, 0, 0),
        # a toll that reached a number; "carnage" reports an attack
        ("Quetta carnage: death toll reaches 89", 89, 0, 0),
        (
            "KHAR: The death toll from Sunday's suicide bombing at a Jamiat Ulema-e-Islam-Fazl (JUI-F) workers' "
            "convention in Bajaur district rose to 63 on Monday, officials said.",
            63,
            1,
            0,
        ),
        # one person named by rank, and one named before "N others"
        ("AIG Ashraf Noor martyred in Peshawar suicide attack", 1, 1, 0),
        ("Punjab Home Minister Shuja Khanzada, 18 others killed in suicide attack", 19, 1, 0),
        ("SP Tahir Dawar and two others martyred", 3, 0, 0),
        ("Aslam and two other police officers were killed in the blast.", 3, 0, 0),
        ("He sustained serious injuries and two other civilians were wounded.", 0, 0, 2),
        # "X among N": the N is the toll
        ("Five Chinese nationals among six killed in Shangla suicide attack", 6, 1, 0),
        ("The death toll is unclear.", 0, 0, 0),
        # prose keeps its own rules: the headline rules read only a short first line
        ("A policeman was shot dead in Peshawar. Teacher killed in the blast was buried on Friday.", 1, 0, 0),
        ("A market was bombed in Karachi, two weeks after the killing of a cleric there. Two were injured.", 0, 0, 2),
    ],
)
def test_headlines(text: str, killed: int, killed_perpetrators: int, wounded: int) -> None:
    values = _values(text)
    assert (values["killed"], values["killed_perpetrators"], values["wounded"]) == (
        killed,
        killed_perpetrators,
        wounded,
    )


@pytest.mark.parametrize(
    ("text", "killed", "killed_perpetrators", "wounded"),
    [
        # police and agency messages: martyrdom words, "x" counts, labels, people listed by rank and name
        (
            "FIR No. 123/2023 u/s 302/324 PPC, 7-ATA, PS Saddar Bannu. On 15-05-2023 at 2130 hrs unknown terrorists "
            "attacked the police post, as a result 02 constables embraced shahadat and 03 got injured.",
            2,
            0,
            3,
        ),
        (
            "Terrorists attacked FC check post at Tirah at 0230 hrs. 02 x FC personnel shaheed, 04 injured. "
            "03 terrorists killed in retaliatory fire.",
            2,
            3,
            4,
        ),
        ("Casualties: Martyred 2 (police), Injured 5. Terrorists killed: 1.", 2, 1, 5),
        ("Killed: 3; Injured: 7", 3, 0, 7),
        (
            "IED blast on police mobile near Kulachi; ASI Gul Khan and constable Imran martyred, driver injured.",
            2,
            0,
            1,
        ),
        ("Firing on police van: 1 x constable shaheed, 2 x injured.", 1, 0, 2),
        # "Shaheed" with a capital is a place name (Shaheed Benazirabad), not a death
        ("Shaheed Benazirabad: two policemen were injured in a blast.", 0, 0, 2),
        # a time after the word is not a count
        ("Police post attacked; injured 0230 hrs shifted to DHQ hospital.", 0, 0, 0),
        ("Four people were killed and nine injured. Rescue 1122 shifted the injured to the DHQ hospital.", 4, 0, 9),
        # more ranks; a unit after the name; one more of those counted ("another constable", "a third")
        ("Sepoy Abdul Wahid and Sepoy Noor Ahmed martyred; Naib Risaldar Ghulam Nabi injured.", 2, 0, 1),
        (
            "Three terrorists were killed, while Constable Abdul Wali of CTD embraced shahadat and another constable "
            "sustained injuries.",
            1,
            3,
            1,
        ),
        ("Two members of a local peace committee were shot dead and a third injured in Tirah.", 2, 0, 1),
        ("Three civilians died and a fourth sustained injuries in the attack.", 3, 0, 1),
        ("ASI Ghulam Rasool died on the spot and a passer-by sustained bullet injuries.", 1, 0, 1),
        ("The police post sustained serious damage in the attack.", 0, 0, 0),
        # what the people counted belong to is not counted with them
        ("Gul, a member of a local peace committee, was killed in the attack.", 1, 0, 0),
        ("Four personnel of the Levies force were injured in a grenade attack.", 0, 0, 4),
        # a form's lists add up; a count said to be another word's does not join them
        (
            "Deceased: 3 Chinese nationals (incl. Director), 1 Pakistani driver. Injured: 1 Chinese, 1 Rangers guard.",
            4,
            0,
            2,
        ),
        ("Killed: 2, 15 injured.", 2, 0, 15),
        # a breakdown between commas
        ("Two others, a Rangers man and a Chinese teacher, were injured.", 0, 0, 2),
        ("Three policemen, two soldiers and a civilian were killed.", 6, 0, 0),
        # the military's words for attackers; people listed by rank and name after their count
        (
            "Own troops effectively engaged the khawarij and four khawarij were sent to hell. Naik Muhammad Ayaz (age "
            "31 years, resident of District Karak) and Sepoy Zahid Ullah (age 24 years, resident of District Lakki "
            "Marwat), having fought gallantly, embraced shahadat.",
            2,
            4,
            0,
        ),
        ("FC personnel, in retaliatory action, sent 3 terrorists to hell; 5 FC personnel embraced martyrdom.", 5, 3, 0),
        (
            "As a result, three brave sons of soil, Havildar Abdul Sattar (age 38 years, resident of District "
            "Panjgur), Lance Naik Sher Ali (age 29 years) and Sepoy Imran Khan (age 22 years), embraced shahadat, "
            "while two soldiers were injured.",
            3,
            0,
            2,
        ),
        (
            "Two soldiers, including a young officer, Lieutenant Hamza Ali (resident of Rawalpindi), embraced "
            "shahadat while 3 soldiers were injured.",
            2,
            0,
            3,
        ),
        # nobody of those named; wounds received
        ("One khariji was killed. Alhamdulillah, no police official was martyred or injured.", 0, 1, 0),
        (
            "Constable Ihsan Ullah and Constable Waqar Khan sustained injuries and were shifted to DHQ Hospital.",
            0,
            0,
            2,
        ),
        (
            "Constable Noor Zaman (No. 1189) was martyred on the spot while Constable Faheem Ullah (No. 2047) received "
            "bullet injuries.",
            1,
            0,
            1,
        ),
    ],
)
def test_field_messages(text: str, killed: int, killed_perpetrators: int, wounded: int) -> None:
    values = _values(text)
    assert (values["killed"], values["killed_perpetrators"], values["wounded"]) == (
        killed,
        killed_perpetrators,
        wounded,
    )


def test_field_message_security_forces() -> None:
    found = extract_casualties("Casualties: Martyred 2 (police), Injured 5.")
    assert found["killed_security"].value == 2
    found = extract_casualties("IED blast on police mobile; ASI Gul Khan and constable Imran martyred.")
    assert found["killed_security"].value == 2
