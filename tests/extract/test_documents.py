"""Reading reports: JSON lines, text and HTML files; bad input gives a problem per document, nothing is lost."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from nigehban.extract.documents import (
    MAX_CHARS,
    ExtractInputError,
    count_documents,
    html_to_text,
    input_files,
    read_documents,
)


def _lines(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_json_lines_with_bad_lines_keep_every_document(tmp_path: Path) -> None:
    path = _lines(
        tmp_path / "reports.jsonl",
        [
            json.dumps({"id": "a1", "text": "Two policemen were shot dead in Bannu.", "published": "2013-05-02"}),
            "{not json",
            json.dumps({"text": "A blast in Quetta."}),
            json.dumps({"id": "a4"}),
            "",
            json.dumps({"id": "a6", "text": "Blast.", "published": "yesterday"}),
            json.dumps(["a", "list"]),
        ],
    )
    loaded = list(read_documents([path]))
    assert [item.document.id for item in loaded] == [
        "a1",
        "reports.jsonl:2",
        "reports.jsonl:3",
        "a4",
        "a6",
        "reports.jsonl:7",
    ]
    assert loaded[0].document.published == dt.date(2013, 5, 2)
    assert loaded[0].problems == []
    assert loaded[0].document.source == f"{path}:1"
    assert "reports.jsonl:2: not a JSON object" in loaded[1].problems[0]
    assert loaded[1].document.text == ""
    assert loaded[2].problems == ["reports.jsonl:3: no 'id'; the document is called 'reports.jsonl:3'"]
    assert loaded[2].document.text == "A blast in Quetta."
    assert loaded[3].problems == ["reports.jsonl:4: no 'text' (or not a string); nothing to extract"]
    assert loaded[4].document.published is None
    assert "published 'yesterday' is not a YYYY-MM-DD date" in loaded[4].problems[0]
    assert count_documents([path]) == 6  # blank lines are not documents


def test_encodings_binary_empty_and_enormous_files(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes("Blast at Caf\xe9 Shiraz \x96 three hurt".encode("latin-1"))
    (tmp_path / "bom.txt").write_bytes("\ufeffGunmen attacked a checkpost.".encode("utf-8-sig"))
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "empty.txt").write_bytes(b"  \n")
    (tmp_path / "huge.txt").write_text("x" * (MAX_CHARS + 10), encoding="utf-8")
    loaded = {item.document.id: item for item in read_documents([tmp_path])}
    assert loaded["latin"].document.text == "Blast at Café Shiraz – three hurt"
    assert loaded["latin"].problems == ["latin.txt: not valid UTF-8 (byte 12); read as cp1252"]
    assert loaded["bom"].document.text == "Gunmen attacked a checkpost."
    assert loaded["bom"].problems == []
    assert loaded["image"].problems == ["image.txt: binary file (NUL bytes), not a text report"]
    assert loaded["empty"].problems == ["empty.txt: empty file"]
    assert len(loaded["huge"].document.text) == MAX_CHARS
    assert "only the first" in loaded["huge"].problems[0]


def test_html_boilerplate_is_stripped(tmp_path: Path) -> None:
    page = """<!DOCTYPE html><html><head><title>Blast kills three in Peshawar</title>
    <style>.x{color:red}</style><script>var ads = 1;</script></head><body>
    <header><a href="/">Daily Paper</a></header><nav>Home | Pakistan | World</nav>
    <article><h1>Blast kills three in Peshawar</h1><p>PESHAWAR: Three people were killed
    and 12 injured when a bomb went off in Qissa Khwani Bazaar on Friday.</p><p>No group claimed it.</p></article>
    <aside>Most read</aside><footer>&copy; 2013</footer></body></html>"""
    (tmp_path / "story.html").write_text(page, encoding="utf-8")
    (loaded,) = read_documents([tmp_path / "story.html"])
    assert loaded.document.id == "story"
    assert loaded.document.text.splitlines() == [
        "Blast kills three in Peshawar",
        "PESHAWAR: Three people were killed",
        "and 12 injured when a bomb went off in Qissa Khwani Bazaar on Friday.",
        "No group claimed it.",
    ]
    assert "ads" not in loaded.document.text
    assert "Most read" not in loaded.document.text


def test_html_news_page_gives_its_date_and_only_the_report(tmp_path: Path) -> None:
    page = """<!DOCTYPE html><html><head><title>Two policemen martyred in Bannu attack - Daily News</title>
    <meta property="article:published_time" content="2023-06-14T08:30:00+05:00"></head><body>
    <div class="breaking-news">Breaking: Karachi blast kills 12</div>
    <article><h1>Two policemen martyred in Bannu attack</h1>
    <p class="story-byline">Our correspondent | June 14, 2023</p>
    <p>BANNU: Two policemen were martyred and another injured when terrorists attacked a checkpost late on
    Tuesday night.</p><div class="related-stories"><a>Quetta blast: death toll rises to 25</a></div>
    <figure><figcaption class="photo-caption">File photo of an attack in 2014</figcaption></figure></article>
    </body></html>"""
    (tmp_path / "story.html").write_text(page, encoding="utf-8")
    (loaded,) = read_documents([tmp_path / "story.html"])
    assert loaded.document.published == dt.date(2023, 6, 14)
    assert loaded.problems == []
    # the headline once (the title repeats it with the site's name), no byline, ticker, related story or caption
    assert loaded.document.text.splitlines()[0] == "Two policemen martyred in Bannu attack"
    for boilerplate in ("Daily News", "correspondent", "Karachi", "Quetta", "File photo"):
        assert boilerplate not in loaded.document.text


def test_html_with_an_impossible_publication_date_keeps_the_report_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "bad.html").write_text(
        '<html><head><meta name="pubdate" content="2023-02-30"></head>'
        "<body><article><p>Gunmen fired on a van in Kohat.</p></article></body></html>",
        encoding="utf-8",
    )
    (loaded,) = read_documents([tmp_path / "bad.html"])
    assert loaded.document.text == "Gunmen fired on a van in Kohat."
    assert loaded.document.published is None
    assert loaded.problems == [
        "bad.html (the page's publication date): published '2023-02-30' is not a YYYY-MM-DD date; ignored"
    ]


def test_html_boilerplate_classes_are_read_by_word() -> None:
    page = (
        '<body><div class="story-commentary"><p>Analysis of the attack.</p></div>'
        '<p class="story-byline">By a correspondent</p><div id="related_stories">Other attacks</div></body>'
    )
    # "commentary" is not "comment": only whole words of a class or id mark boilerplate
    assert html_to_text(page) == "Analysis of the attack."


def test_html_date_from_a_time_element_and_a_report_inside_a_boilerplate_looking_class(tmp_path: Path) -> None:
    (tmp_path / "page.htm").write_text(
        '<html><body><div class="layout-with-sidebar"><p>Gunmen fired on a van.</p>'
        '<time datetime="2021-02-03">3 Feb</time></div></body></html>',
        encoding="utf-8",
    )
    (loaded,) = read_documents([tmp_path / "page.htm"])
    # the only text sits in an element whose class looks like boilerplate: it is kept rather than lost
    assert loaded.document.text == "Gunmen fired on a van.\n3 Feb"
    assert loaded.document.published == dt.date(2021, 2, 3)


def test_html_without_article_uses_the_body() -> None:
    assert html_to_text("<body><nav>menu</nav><p>Gunmen fired on a van.</p><footer>c</footer></body>") == (
        "Gunmen fired on a van."
    )


def test_missing_input_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ExtractInputError, match="no such file or directory"):
        input_files([tmp_path / "missing.jsonl"])
    (tmp_path / "folder").mkdir()
    with pytest.raises(ExtractInputError, match="no input files"):
        input_files([tmp_path / "folder"])
