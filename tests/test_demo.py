"""The synthetic demo world: deterministic, idempotent, labelled, and with the patterns it promises."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import math
import random
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from nigehban import Incident, IncidentFilter, InvalidFieldValue, Nigehban, Settings
from nigehban.demo import (
    AGENCY_COLUMNS,
    DEMO_DATASETS,
    SUMMARY_PREFIX,
    DemoAgencyMapper,
    DemoWorld,
    generate_demo,
)
from nigehban.store.schema import BATCHES
from tests.helpers import RunCli

KP = "Khyber Pakhtunkhwa"
TTP = "Tehrik-i-Taliban Pakistan"
HALF_2023 = {"start": dt.date(2023, 1, 1), "end": dt.date(2023, 6, 30)}


@pytest.fixture(scope="module")
def world() -> DemoWorld:
    return generate_demo(2023)


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nigehban]:
    """The default demo world loaded once into a SQLite store, for the tests of its patterns."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    app = Nigehban(Settings(database_url=f"sqlite:///{path}", actor="test-analyst"))
    app.init()
    app.demo()
    yield app
    app.close()


@pytest.fixture(scope="module")
def incidents(demo_app: Nigehban) -> list[Incident]:
    return demo_app.incidents()


def _agency(incidents: list[Incident]) -> list[Incident]:
    """One incident per attack the agency recorded (the press re-reports many of them)."""
    return [incident for incident in incidents if incident.sources[0].startswith("demo-agency:")]


# determinism, idempotence, labels ------------------------------------------------------------


def test_a_seed_makes_the_same_world() -> None:
    first = generate_demo(11, **HALF_2023)
    again = generate_demo(11, **HALF_2023)
    other = generate_demo(12, **HALF_2023)
    assert first.attacks == again.attacks
    assert (first.agency_rows, first.press_rows, first.reports) == (again.agency_rows, again.press_rows, again.reports)
    assert first.agency_rows != other.agency_rows
    assert all(HALF_2023["start"] <= attack.date <= HALF_2023["end"] for attack in first.attacks)


def test_loading_twice_changes_nothing(app: Nigehban) -> None:
    world = generate_demo(5, **HALF_2023)
    first = app.demo(seed=5, **HALF_2023)
    assert [report.dataset for report in first] == list(DEMO_DATASETS)
    assert [report.inserted for report in first] == [len(world.agency_rows), len(world.press_rows)]
    assert all(report.rejected == report.skipped == 0 and report.accounted for report in first)
    before = [incident.as_json_dict() for incident in app.incidents()]
    assert len(before) == len(world.agency_rows) + len(world.press_rows)

    second = app.demo(seed=5, **HALF_2023)
    assert [(report.inserted, report.updated, report.unchanged) for report in second] == [
        (0, 0, len(world.agency_rows)),
        (0, 0, len(world.press_rows)),
    ]
    assert [incident.as_json_dict() for incident in app.incidents()] == before


def test_everything_is_labelled_synthetic(demo_app: Nigehban, incidents: list[Incident]) -> None:
    assert incidents
    assert all(incident.record.summary and incident.record.summary.startswith(SUMMARY_PREFIX) for incident in incidents)
    assert {source.split(":")[0] for incident in incidents for source in incident.sources} == set(DEMO_DATASETS)
    with demo_app.engine.connect() as connection:
        options = connection.execute(select(BATCHES.c.dataset, BATCHES.c.options)).all()
    assert options
    assert all(dataset.startswith("demo-") and option["synthetic"] is True for dataset, option in options)


def test_unlabelled_rows_are_refused(sqlite_app: Nigehban, tmp_path: Path, world: DemoWorld) -> None:
    row = dict(world.agency_rows[0])
    row["Remarks"] = "an unlabelled row"
    path = tmp_path / "agency.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(AGENCY_COLUMNS))
        writer.writeheader()
        writer.writerows([world.agency_rows[1], row])
    report = sqlite_app.import_rows(DemoAgencyMapper(), path)
    assert (report.inserted, report.rejected) == (1, 1)
    (reject,) = report.first_rejects
    assert (reject.row, reject.column) == (3, "Remarks")
    assert SUMMARY_PREFIX in reject.reason


def test_span_must_be_ordered() -> None:
    with pytest.raises(InvalidFieldValue, match="after end"):
        generate_demo(1, start=dt.date(2024, 1, 1), end=dt.date(2023, 1, 1))


def test_the_demo_command(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("--db", str(tmp_path / "demo.db"), "demo", "--seed", "3")
    assert result.exit_code == 0, result
    assert "synthetic" in result.stderr.lower()
    assert "demo-agency" in result.stderr
    assert "demo-press" in result.stderr
    assert "incidents from 2019" in result.stdout


# the patterns ------------------------------------------------------------------------------------


def test_a_few_thousand_attacks_from_2019_to_2024(world: DemoWorld, incidents: list[Incident]) -> None:
    assert 2500 <= len(world.attacks) <= 6000
    assert (world.attacks[0].date.year, world.attacks[-1].date.year) == (2019, 2024)
    assert len(incidents) == len(world.agency_rows) + len(world.press_rows)
    per_year = Counter(incident.record.date.year for incident in _agency(incidents))
    assert per_year[2024] > 2 * per_year[2020]  # the resurgence


def test_police_are_the_largest_target(incidents: list[Incident]) -> None:
    agency = _agency(incidents)
    targets = Counter(incident.record.target_type for incident in agency)
    assert targets.most_common(1)[0][0] == "police"
    assert 0.25 <= targets["police"] / len(agency) <= 0.5
    ttp_in_kp = [i for i in agency if i.record.perpetrator == TTP and i.record.province == KP]
    police_share_ttp = sum(i.record.target_type == "police" for i in ttp_in_kp) / len(ttp_in_kp)
    assert police_share_ttp > targets["police"] / len(agency)
    details = Counter(i.record.target_detail for i in agency if i.record.target_type == "police")
    assert details["Police station"] + details["Police checkpoint"] > 0.5 * targets["police"]


def test_kp_share_rises_after_2021(incidents: list[Incident]) -> None:
    def kp_share(years: range) -> float:
        chosen = [i for i in _agency(incidents) if i.record.date.year in years]
        return sum(i.record.province == KP for i in chosen) / len(chosen)

    before, after = kp_share(range(2019, 2021)), kp_share(range(2023, 2025))
    assert 0.3 <= before <= 0.6
    assert 0.55 <= after <= 0.8
    assert after - before >= 0.08


def test_ttp_spreads_to_new_districts(incidents: list[Incident]) -> None:
    first_seen: dict[str, dt.date] = {}
    per_year: defaultdict[int, set[str]] = defaultdict(set)
    for incident in incidents:  # by date: the first one seen is the earliest
        record = incident.record
        if record.perpetrator == TTP and record.district:
            first_seen.setdefault(record.district, record.date)
            per_year[record.date.year].add(record.district)
    assert len(per_year[2019]) < len(per_year[2021]) < len(per_year[2023])
    new = [district for district, day in first_seen.items() if day >= dt.date(2022, 1, 1)]
    assert len(new) >= 6
    assert {"Zhob", "Mianwali"} <= set(new)  # beyond Khyber Pakhtunkhwa, after the ceasefire ended
    assert all(first_seen[district] < dt.date(2019, 7, 1) for district in ("North Waziristan", "South Waziristan"))


def test_baloch_groups_stay_in_balochistan_and_karachi(incidents: list[Incident]) -> None:
    baloch = [
        i
        for i in incidents
        if i.record.perpetrator in {"Baloch Liberation Army", "Baloch Liberation Front", "Baloch Republican Army"}
    ]
    provinces = Counter(i.record.province for i in baloch)
    assert set(provinces) <= {"Balochistan", "Sindh"}
    assert provinces["Balochistan"] / len(baloch) > 0.9
    assert {i.record.district for i in baloch if i.record.province == "Sindh"} <= {"Karachi", None}


def test_seasons_and_clusters(world: DemoWorld) -> None:
    per_month = Counter(attack.date.month for attack in world.attacks)
    summer = statistics.mean(per_month[month] for month in (5, 6, 7, 8, 9))
    winter = statistics.mean(per_month[month] for month in (12, 1, 2))
    assert summer > 1.3 * winter

    def close_pairs(days: list[tuple[str, str, int]]) -> int:
        by_place: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
        for group, district, day in days:
            by_place[group, district].append(day)
        pairs = 0
        for ordinals in by_place.values():
            ordinals.sort()
            pairs += sum(1 for a, b in itertools.pairwise(ordinals) if b - a <= 3)
        return pairs

    observed = [(a.group, a.town.district, a.date.toordinal()) for a in world.attacks]
    # the same attacks with their days shuffled within each year: the same places and rates, no clustering
    rng = random.Random(0)
    shuffled = []
    for year in range(2019, 2025):
        chosen = [item for item in observed if dt.date.fromordinal(item[2]).year == year]
        days = [day for _, _, day in chosen]
        rng.shuffle(days)
        shuffled += [(group, district, day) for (group, district, _), day in zip(chosen, days, strict=True)]
    assert close_pairs(observed) > 1.15 * close_pairs(shuffled)


def test_casualties_are_plausible(world: DemoWorld, incidents: list[Incident]) -> None:
    killed = [attack.killed for attack in world.attacks]
    assert statistics.median(killed) <= 2
    assert 0.2 <= killed.count(0) / len(killed) <= 0.6
    assert max(killed) >= 20
    suicide = [attack.killed for attack in world.attacks if attack.suicide]
    others = [attack.killed for attack in world.attacks if not attack.suicide]
    assert 0.01 <= len(suicide) / len(killed) <= 0.08
    assert statistics.mean(suicide) > 3 * statistics.mean(others)
    on_forces = [a for a in world.attacks if a.target_type in {"police", "military"} and a.killed]
    assert sum(a.killed_security for a in on_forces) / sum(a.killed for a in on_forces) > 0.7
    for incident in incidents:
        record = incident.record
        if record.killed is not None and record.killed_security is not None:
            assert record.killed_security <= record.killed


def _km(first: Incident, second: Incident) -> float:
    a, b = first.record, second.record
    assert a.latitude is not None
    assert a.longitude is not None
    assert b.latitude is not None
    assert b.longitude is not None
    dlat = math.radians(b.latitude - a.latitude)
    dlon = math.radians(b.longitude - a.longitude) * math.cos(math.radians(a.latitude))
    return 6371 * math.hypot(dlat, dlon)


def test_both_sources_report_overlapping_attacks(world: DemoWorld, incidents: list[Incident]) -> None:
    by_label = {incident.sources[0]: incident for incident in incidents}
    assert len(by_label) == len(incidents)  # before deduplication: one source record per incident
    groups = world.same_attack
    assert len(groups) > 0.3 * len(world.attacks)
    datasets = Counter(tuple(sorted({label.split(":")[0] for label in labels})) for labels in world.reports.values())
    assert datasets[("demo-agency", "demo-press")] > 0.3 * len(world.attacks)  # reported by both
    assert datasets[("demo-press",)] > 0  # only the press reported it
    assert datasets[("demo-agency",)] > 0.2 * len(world.attacks)  # only the agency
    assert sum(1 for labels in world.reports.values() if sum("demo-press" in label for label in labels) == 2) > 0

    days_off = places_differ = tolls_differ = 0
    for labels in groups:
        reports = [by_label[label] for label in labels]
        first = reports[0]
        for other in reports[1:]:
            assert abs((other.record.date - first.record.date).days) <= 2
            assert other.record.province == first.record.province
            if other.record.latitude is not None and first.record.latitude is not None:
                assert _km(first, other) < 25
            days_off += other.record.date != first.record.date
            places_differ += other.record.place != first.record.place
            tolls_differ += other.record.killed != first.record.killed
    # realistic work for deduplication: the same attack, reported differently
    assert days_off > 0.1 * len(groups)
    assert places_differ > 0.05 * len(groups)
    assert tolls_differ > 0.1 * len(groups)


def test_press_reports_can_be_found_by_dataset(demo_app: Nigehban, world: DemoWorld) -> None:
    press = demo_app.incidents(IncidentFilter(dataset="demo-press"))
    assert len(press) == len(world.press_rows)
    assert {incident.sources[0].split(":")[0] for incident in press} == {"demo-press"}
