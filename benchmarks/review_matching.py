"""How often the review queue's matching finds the stored incident a report describes (real data).

    python -m benchmarks.review_matching [--db URL] [--limit N]

The store holds GTD Pakistan 1970-2012 with the real district boundaries (built under
benchmarks/out on first use, or ``--db`` names such a store: it is only read). The reports are the
dev documents of ``../shared/eval`` (GTD summaries, ``id`` = ``gtd-<eventid>``): each is extracted
as for ``nigehban extract``, and its first candidate is matched against the store. The right answer
is the stored incident whose GTD source record has that event id. The store holds that very event,
so this measures matching under the extractor's errors (date, district, type and tolls read from
the text, not GTD's coded fields) with every other attack of the same days and districts competing;
it is not a test of independent wording (the tests in tests/extract/test_matching.py are).

Prints: documents, candidates with a date, the share whose right incident is ranked first, in the
top five, and not listed at all, how often another incident is ranked first, and the matching speed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import time

from sqlalchemy import select

from benchmarks.common import OUT, SHARED_DATA
from nigehban import Nigehban, Settings
from nigehban.extract.candidate import Document
from nigehban.extract.extractor import Extractor
from nigehban.extract.matching import find_matches
from nigehban.store.schema import SOURCES

DEV_DOCS = SHARED_DATA.parent / "eval" / "extraction_dev_docs.jsonl"


def _store(url: str | None) -> Nigehban:
    if url is not None:
        return Nigehban(Settings(database_url=url))
    path = OUT / "review_matching.db"
    app = Nigehban(Settings(database_url=f"sqlite:///{path}"))
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        app.init()
        app.import_boundaries(SHARED_DATA / "geo" / "pak_adm1_provinces.geojson", level="province")
        app.import_boundaries(SHARED_DATA / "geo" / "pak_adm2_districts.geojson", level="district")
        app.import_gtd(SHARED_DATA / "incidents" / "gtd_pakistan_1970_2012.csv.gz")
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a store holding GTD Pakistan (read only)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N dev documents")
    arguments = parser.parse_args()
    app = _store(arguments.db)
    with app.ready().connect() as connection:
        incident_of = dict(
            connection.execute(select(SOURCES.c.key, SOURCES.c.incident_id).where(SOURCES.c.dataset == "gtd")).all()
        )
    with DEV_DOCS.open(encoding="utf-8") as handle:
        lines = [json.loads(line) for line in itertools.islice(handle, arguments.limit or None)]
    documents = [Document(id=line["id"], text=line["text"]) for line in lines]
    extractor = Extractor(resolver=app.resolver())
    dated = first = top5 = unlisted = wrong_first = 0
    seconds = 0.0
    with app.engine.connect() as connection:
        for document, extraction in zip(documents, extractor.extract_many(documents), strict=True):
            if not extraction.incidents:
                continue
            candidate = extraction.incidents[0]
            if candidate.value("date") is None:
                continue
            dated += 1
            expected = incident_of.get(document.id.removeprefix("gtd-"))
            values = {name: field.value for name, field in candidate.fields.items()}
            started = time.perf_counter()
            matches = find_matches(connection, values, date_confidence=candidate.fields["date"].confidence)
            seconds += time.perf_counter() - started
            ranked = [match.incident_id for match in matches]
            first += bool(ranked) and ranked[0] == expected
            top5 += expected in ranked
            unlisted += expected not in ranked
            wrong_first += bool(ranked) and ranked[0] != expected
    print(f"documents {len(documents):,}, candidates with a date {dated:,}")
    print(
        f"right incident first {first / dated:.3f}, in the top five {top5 / dated:.3f}, "
        f"not listed {unlisted / dated:.3f}; another incident ranked first {wrong_first / dated:.3f}"
    )
    print(f"matching: {dated / seconds:,.0f} candidates/s")


if __name__ == "__main__":
    main()
