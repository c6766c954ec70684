"""Case files: the shipped library, the schema's field-named errors, and validate_files."""

from __future__ import annotations

import copy

import pytest
import yaml

from echoorg.core.library.cases import (
    EVENT_KINDS,
    LibraryError,
    parse_case,
    validate_files,
)
from echoorg.core.library.shipped import CASES_DIR, case_paths, library

CODES = library().codebook.code_ids
MID_STAFFS = yaml.safe_load((CASES_DIR / "mid-staffordshire.yaml").read_text(encoding="utf-8"))

REQUIRED_CASES = {
    "mid-staffordshire",
    "countess-of-chester",
    "post-office-horizon",
    "grenfell-tower",
    "infected-blood",
    "transforming-rehabilitation",
    "childrens-placements-market",
    "morecambe-bay",
    "winterbourne-view",
    "child-protection-national-review-2022",
}


def _refused(data) -> str:
    with pytest.raises(LibraryError) as caught:
        parse_case(data, CODES)
    return str(caught.value)


def test_every_shipped_case_file_is_valid():
    assert validate_files(case_paths(), CODES) == []
    assert {c.id for c in library().cases} == REQUIRED_CASES


def test_every_event_of_every_case_has_a_titled_published_source():
    for case in library().cases:
        for event in case.events:
            assert event.sources, f"{case.id}/{event.id}"
            for source in event.sources:
                assert source.title and source.publisher and source.date, f"{case.id}/{event.id}"
        for line in case.status:
            assert line.sources, case.id


def test_every_code_used_is_linked_to_events_and_every_case_has_questions():
    for case in library().cases:
        assert case.codes and case.questions and case.three_systems.stages, case.id
        assert "interpretation" in case.three_systems.note, case.id
        for link in case.codes:
            assert link.code in CODES
            for event_id in link.events:
                case.event(event_id)


def test_the_chester_case_states_the_report_and_the_criminal_case_status():
    case = library().case("countess-of-chester")
    topics = " ".join(line.topic for line in case.status).lower()
    assert "report" in topics and "criminal cases review commission" in topics
    assert "not established" in topics or "is and is not established" in topics
    assert any(e.disagreement for e in case.events)


def test_events_are_in_date_order_with_their_precision():
    case = library().case("mid-staffordshire")
    whens = [e.when for e in case.events]
    assert whens == sorted(whens)
    first = case.events[0]
    assert (first.date, first.precision, first.when.isoformat()) == ("2001", "year", "2001-07-01")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("as_of"), "as_of: is required"),
        (lambda d: d.update(sector="space"), "sector: 'space' is not one of health"),
        (lambda d: d["events"][2].pop("sources"), "events[2].sources: every event needs"),
        (lambda d: d["events"][2].update(sources=[]), "events[2].sources: needs at least one"),
        (
            lambda d: d["events"][2]["sources"][0].pop("publisher"),
            "events[2].sources[0].publisher: is required.",
        ),
        (
            lambda d: d["events"][2]["sources"][0].pop("date"),
            "events[2].sources[0].date: is required (the date the source was published",
        ),
        (
            lambda d: d["events"][2]["sources"][0].update(date="spring 2013"),
            "events[2].sources[0].date: 'spring 2013' must be a date",
        ),
        (
            lambda d: d["events"][2]["sources"][0].update(date="undated"),
            "events[2].sources[0].date: 'undated' is not accepted; give the date the source "
            "was published",
        ),
        (
            lambda d: d["events"][2]["sources"][0].update(url="ftp://x"),
            "events[2].sources[0].url: must start with https://",
        ),
        (
            lambda d: d["events"][1].update(precision="month"),
            "events[1].date: '2003-05-20' is not a date of precision month",
        ),
        (
            lambda d: d["events"][1].update(date="2003-02-30"),
            "events[1].date: '2003-02-30' is not a date of precision day",
        ),
        (lambda d: d["events"][1].update(precision="week"), "events[1].precision: 'week'"),
        (lambda d: d["events"][1].update(kind="rumour"), "events[1].kind: 'rumour' is not one"),
        (lambda d: d["events"][1].update(actor=""), "events[1].actor: must not be empty."),
        (
            lambda d: d["events"][1].update(id=d["events"][0]["id"]),
            "events[1].id: 'pcg_concerns' is used by another event.",
        ),
        (
            lambda d: d["codes"][0].update(code="greed"),
            "codes[0].code: 'greed' is not a code of the codebook.",
        ),
        (
            lambda d: d["codes"][0].update(events=["nowhere"]),
            "codes[0].events[0]: 'nowhere' is not an event of this case.",
        ),
        (
            lambda d: d["three_systems"]["stages"][0].update(dominant="fear"),
            "three_systems.stages[0].dominant: 'fear' is not one of threat",
        ),
        (lambda d: d.pop("three_systems"), "three_systems: is required."),
        (
            lambda d: d["events"][1].update(speak_up_step="sacked"),
            "events[1].speak_up_step: 'sacked' is not a step of the speak-up vocabulary",
        ),
        (lambda d: d.update(questions=[]), "questions: needs at least one question."),
        (
            lambda d: d.update(status=[{"topic": "x", "statement": "y"}]),
            "status[0].sources: every statement needs at least one source.",
        ),
    ],
)
def test_a_broken_case_is_refused_naming_the_field(change, message):
    data = copy.deepcopy(MID_STAFFS)
    change(data)
    assert message in _refused(data)


def test_unquoted_yaml_dates_are_accepted():
    case = parse_case(copy.deepcopy(MID_STAFFS), CODES)
    assert case.event("peer_review").date == "2003-05-20"  # YAML read it as a date
    assert case.event("peer_review").sources[0].as_dict()["date"]
    assert set(EVENT_KINDS) >= {e.kind for e in case.events}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            {"publisher": "Wikipedia", "url": ""},
            "events[2].sources[0].publisher: 'Wikipedia' is a wiki, blog or forum; cite the "
            "primary source",
        ),
        (
            {"publisher": "Someone", "url": "https://en.m.wikipedia.org/wiki/Grenfell"},
            "events[2].sources[0].url: 'en.m.wikipedia.org' is a wiki, blog or forum "
            "(wikipedia.org)",
        ),
        (
            {"publisher": "A campaign", "url": "https://pressreform.blogspot.com/2009/x.html"},
            "events[2].sources[0].url: 'pressreform.blogspot.com' is a wiki, blog or forum",
        ),
        (
            {"publisher": "A campaign", "url": "https://blog.example.org/post"},
            "events[2].sources[0].url: 'blog.example.org' is a wiki, blog or forum",
        ),
        (
            {"publisher": "Readers", "url": "https://www.reddit.com/r/x/comments/1"},
            "events[2].sources[0].url: 'reddit.com' is a wiki, blog or forum (reddit.com)",
        ),
        (
            {"publisher": "Web Sleuths forum", "url": ""},
            "events[2].sources[0].publisher: 'Web Sleuths forum' is a wiki, blog or forum",
        ),
        (
            {"publisher": "WikiSum", "url": "https://wikisum.wiki/wiki/Bates"},
            "events[2].sources[0].publisher: 'WikiSum' is a wiki, blog or forum",
        ),
    ],
)
def test_wikis_blogs_and_forums_are_refused_as_sources(source, message):
    data = copy.deepcopy(MID_STAFFS)
    data["events"][2]["sources"][0].update(source)
    assert message in _refused(data)


def test_a_primary_source_on_an_ordinary_host_is_accepted():
    data = copy.deepcopy(MID_STAFFS)
    data["events"][2]["sources"][0].update(
        publisher="The Guardian (live blog of the report's publication)",
        url="https://www.theguardian.com/society/live/2013/feb/06/francis-report-live",
    )
    with pytest.raises(LibraryError, match="publisher: 'The Guardian"):
        parse_case(data, CODES)  # a publisher named as a blog is refused, however reputable
    data["events"][2]["sources"][0].update(publisher="The Guardian")
    assert parse_case(data, CODES).events


def test_validate_files_names_file_case_and_field(tmp_path):
    good = tmp_path / "mid-staffordshire.yaml"
    good.write_text((CASES_DIR / "mid-staffordshire.yaml").read_text(encoding="utf-8"))
    broken = copy.deepcopy(MID_STAFFS)
    broken["events"][4]["sources"] = []
    bad = tmp_path / "mid-staffordshire-copy.yaml"
    bad.write_text(yaml.safe_dump(broken))
    renamed = tmp_path / "elsewhere.yaml"
    renamed.write_text(good.read_text())
    junk = tmp_path / "junk.yaml"
    junk.write_text("id: x\n  - : [\n")
    problems = validate_files([good, bad, renamed, junk], CODES)
    assert problems == [
        "mid-staffordshire-copy.yaml (case mid-staffordshire): "
        "events[4].sources: needs at least one source.",
        "elsewhere.yaml (case mid-staffordshire): "
        "id: 'mid-staffordshire' differs from the file's name 'elsewhere'.",
        "junk.yaml (case unreadable): case: not valid YAML (line 2).",
    ]
