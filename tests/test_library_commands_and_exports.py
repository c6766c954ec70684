"""`echoorg inquiries list|timeline|validate` and the researchers' downloads of the
codebook and the cases."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from echoorg.core.library.shipped import CASES_DIR, library


def _run(*args) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("inquiries", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return out.getvalue(), err.getvalue(), code


def test_list_json_has_the_contract_fields_for_every_case():
    out, _, code = _run("list", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == len(library().cases)
    chester = next(r for r in rows if r["id"] == "countess-of-chester")
    assert chester == {
        "id": "countess-of-chester",
        "title": "Countess of Chester Hospital neonatal unit (the Thirlwall Inquiry)",
        "sector": "health",
        "first_warning": "2015-07",
        "decisive_action": "2017-05-02",
        "years_warning_to_action": 1.8,
    }


def test_list_as_text_is_one_line_per_case():
    out, _, _ = _run("list")
    lines = out.strip().splitlines()
    assert len(lines) == len(library().cases)
    assert "mid-staffordshire\tMid Staffordshire" in out and "\t2001\t2008-03-18\t6.7" in out


def test_timeline_json_is_in_date_order_and_every_event_has_sources():
    out, _, _ = _run("timeline", "grenfell-tower", "--json")
    events = json.loads(out)
    assert [e["date"] for e in events][:2] == ["1991", "1999"]
    assert events[-1]["date"] == "2024-09-04" and events[-1]["precision"] == "day"
    for e in events:
        assert set(e) == {"date", "precision", "kind", "actor", "description", "sources"}
        assert e["sources"]
        for s in e["sources"]:
            assert set(s) == {"title", "publisher", "date", "locator", "url"}


def test_timeline_of_an_unknown_case_names_the_known_ones():
    with pytest.raises(CommandError, match="No case 'atlantis'; the library has: "):
        call_command("inquiries", "timeline", "atlantis")


def test_validate_passes_the_shipped_files_and_refuses_broken_ones(tmp_path):
    out, _, code = _run("validate")
    assert code == 0 and "10 case file(s) valid against echo-taxonomy@1" in out
    data = yaml.safe_load((CASES_DIR / "infected-blood.yaml").read_text(encoding="utf-8"))
    data["events"][3]["sources"][0].pop("title")
    data["codes"][0]["code"] = "greed"
    broken = tmp_path / "infected-blood.yaml"
    broken.write_text(yaml.safe_dump(data))
    _, err, code = _run("validate", str(broken))
    assert code == 1
    assert err.strip() == (
        "infected-blood.yaml (case infected-blood): events[3].sources[0].title: is required."
    )


def test_validate_refuses_undated_and_wiki_blog_or_forum_sources(tmp_path):
    data = yaml.safe_load((CASES_DIR / "post-office-horizon.yaml").read_text(encoding="utf-8"))
    data["events"][0]["sources"][0]["date"] = "undated"
    undated = tmp_path / "post-office-horizon.yaml"
    undated.write_text(yaml.safe_dump(data))
    data = yaml.safe_load((CASES_DIR / "grenfell-tower.yaml").read_text(encoding="utf-8"))
    data["events"][1]["sources"][0].update(
        publisher="Wikipedia", url="https://en.wikipedia.org/wiki/Grenfell_Tower_fire"
    )
    wiki = tmp_path / "grenfell-tower.yaml"
    wiki.write_text(yaml.safe_dump(data))
    data = yaml.safe_load((CASES_DIR / "mid-staffordshire.yaml").read_text(encoding="utf-8"))
    data["status"] = [
        {
            "topic": "Campaign",
            "statement": "A campaign's own account.",
            "sources": [
                {
                    "title": "Our history",
                    "publisher": "A campaign",
                    "date": "2010",
                    "url": "https://curethenhs.blogspot.com/",
                }
            ],
        }
    ]
    blog = tmp_path / "mid-staffordshire.yaml"
    blog.write_text(yaml.safe_dump(data))
    _, err, code = _run("validate", str(undated), str(wiki), str(blog))
    assert code == 1
    assert err.strip().splitlines() == [
        "post-office-horizon.yaml (case post-office-horizon): events[0].sources[0].date: "
        "'undated' is not accepted; give the date the source was published (YYYY, YYYY-MM "
        "or YYYY-MM-DD), or cite a source that carries one.",
        "grenfell-tower.yaml (case grenfell-tower): events[1].sources[0].publisher: "
        "'Wikipedia' is a wiki, blog or forum; cite the primary source (the report, "
        "judgment, regulator's or official publication) or a news organisation's dated "
        "article instead.",
        "mid-staffordshire.yaml (case mid-staffordshire): status[0].sources[0].url: "
        "'curethenhs.blogspot.com' is a wiki, blog or forum (blogspot.com); cite the "
        "primary source (the report, judgment, regulator's or official publication) or a "
        "news organisation's dated article instead.",
    ]


@pytest.fixture
def client_of(org, make_person, login_as):
    return login_as(make_person(org, "staff"))


def test_the_codebook_downloads_as_json_and_csv(client_of):
    response = client_of.get(
        reverse("library_codebook_export", kwargs={"slug": "alpha", "fmt": "json"})
    )
    assert response["Content-Disposition"] == 'attachment; filename="echo-taxonomy-v1.json"'
    data = json.loads(response.content)
    assert data["version"] == 1 and len(data["codes"]) == len(library().codebook.codes)
    response = client_of.get(
        reverse("library_codebook_export", kwargs={"slug": "alpha", "fmt": "csv"})
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    hubris = next(r for r in rows if r["id"] == "hubris")
    assert hubris["mechanism"] == "yes" and hubris["codebook"] == "echo-taxonomy@1"
    assert hubris["vaughan"] == "normalisation_of_deviance"


def test_the_cases_download_as_json_and_csv(client_of):
    response = client_of.get(
        reverse("library_cases_export", kwargs={"slug": "alpha", "fmt": "json"})
    )
    cases = json.loads(response.content)
    mid = next(c for c in cases if c["id"] == "mid-staffordshire")
    assert (
        mid["years_warning_to_action"] == 6.7
        and mid["warnings_before_first_protective_response"] == 6
    )
    response = client_of.get(
        reverse("library_cases_export", kwargs={"slug": "alpha", "fmt": "csv"})
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == sum(len(c.events) for c in library().cases)
    apology = next(r for r in rows if r["event"] == "apology_letter")
    assert apology["case"] == "countess-of-chester" and apology["date"] == "2017-01"
    assert apology["source_publishers"] == "BBC News | The Sun"
    assert "silencing" in apology["codes"]


def test_an_unknown_download_format_is_not_found(client_of):
    response = client_of.get(
        reverse("library_cases_export", kwargs={"slug": "alpha", "fmt": "xlsx"})
    )
    assert response.status_code == 404
