"""Issue 8, finding 16: no figure computed from fewer cases than the minimum group.

The attack: leaders and the board read the statistics page, its API and the quarterly
return of an organisation where a single concern was concluded (with its own days to
protection and to feedback, and the only missed clock). Before the fix the medians and
the share with a missed clock were that one case's own figures. Now each reads "fewer
than 5 cases" (page) or is null with the reason (API); with five such concerns they show.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from echoorg.accounts.models import ApiToken
from echoorg.concerns import services

DERIVED = (
    "median_days_to_acknowledge",
    "median_days_to_protection",
    "median_days_to_feedback",
    "share_with_breach",
)


def handled(org, unit, *, concluded: bool, anonymous: bool = False):
    """A concern received 40 days ago and acknowledged after 2 days; when `concluded`, a
    risk-of-harm case protected after 1 day, acknowledged late (10 days: a missed clock),
    given feedback after 13 days and concluded after 14."""
    received = timezone.localdate() - dt.timedelta(days=40)
    concern = services.raise_concern(
        org,
        mode="anonymous" if anonymous else "named",
        category="bullying_harassment",
        at_risk=[],
        risk_of_harm=concluded,
        text="x",
        unit=unit,
        received_on=received,
        with_receipt=False,
        name="N",
    ).concern
    steps = [("acknowledged", 10 if concluded else 2, {})]
    if concluded:
        steps += [
            ("protective_action", 1, {}),
            ("feedback_given", 13, {}),
            ("concluded", 14, {"outcome": "substantiated"}),
        ]
    for kind, days, detail in steps:
        services.add_event(
            None, concern, type=kind, date=received + dt.timedelta(days=days), detail=detail
        )
    return concern


@pytest.fixture
def one_concluded(org, tree):
    """Six concerns in one unit (a group big enough to show), one of them concluded."""
    handled(org, tree["Recruitment"], concluded=True, anonymous=True)
    for _ in range(5):
        handled(org, tree["Recruitment"], concluded=False)


def statistics_as(client, org) -> dict:
    response = client.get(f"/api/organisations/{org.slug}/concerns-statistics")
    assert response.status_code == 200
    return response.json()


def test_no_figure_from_the_one_concluded_case_on_the_page_or_in_the_api(
    org, one_concluded, make_person, login_as
):
    leader = make_person(org, "leader")
    page = login_as(leader).get(reverse("concern_insights", kwargs={"slug": org.slug}))
    assert page.status_code == 200
    rows = [page.context["overall"], *page.context["groups"]]
    shown = [r for r in rows if not r["suppressed"]]
    assert len(shown) == 2  # Recruitment and the whole organisation: six concerns each
    for row in shown:
        assert row["cases"] == 6 and row["median_days_to_acknowledge"] == 2
        for name in ("median_days_to_protection", "median_days_to_feedback", "share_with_breach"):
            assert row[name] is None and row["hidden"][name] == "fewer_than_k", name
    html = page.content.decode()
    # three figures in each of the two rows
    assert html.count('<td class="num">fewer than 5 cases</td>') == 6
    assert "17%" not in html  # 1 of 6 with a missed clock

    _, token = ApiToken.issue(make_person(org, "board"), "t")
    client = login_as(leader)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    found = statistics_as(client, org)
    assert found["min_group"] == 5
    for row in [found["overall"], *found["groups"]]:
        assert row["median_days_to_protection"] is None
        assert row["median_days_to_feedback"] is None and row["share_with_breach"] is None
        assert row["hidden"]["median_days_to_feedback"] in ("fewer_than_k", "complementary")


def test_an_organisation_with_a_single_concluded_case_shows_nothing_of_it(
    org, tree, make_person, login_as
):
    concern = handled(org, tree["Recruitment"], concluded=True, anonymous=True)
    board = make_person(org, "board")
    client = login_as(board)
    page = client.get(reverse("concern_insights", kwargs={"slug": org.slug}))
    assert all(r["suppressed"] for r in [page.context["overall"], *page.context["groups"]])
    _, token = ApiToken.issue(board, "t")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    found = statistics_as(client, org)
    for row in [found["overall"], *found["groups"]]:
        assert row["suppressed"] and all(row[name] is None for name in DERIVED)
    # The board's quarterly return: no count or share of that one case either.
    received = concern.received_on
    year, quarter = (
        (received.year, (received.month - 4) // 3 + 1)
        if received.month >= 4
        else (received.year - 1, 4)
    )
    url = reverse("concern_return", kwargs={"slug": org.slug})
    csv_text = client.get(url, {"year": year, "quarter": quarter, "format": "csv"}).content.decode()
    values = {row[1]: row[3] for row in csv.reader(io.StringIO(csv_text))}
    for measure in (
        "total",
        "anonymous",
        "anonymous_share",
        "detriment_any_share",
        "bullying_harassment",
    ):
        assert values[measure] == "", measure


def test_with_five_concluded_cases_the_figures_show(org, tree, make_person, login_as):
    for _ in range(5):
        handled(org, tree["Recruitment"], concluded=True)
    handled(org, tree["Recruitment"], concluded=False)
    page = login_as(make_person(org, "leader")).get(
        reverse("concern_insights", kwargs={"slug": org.slug})
    )
    overall = page.context["overall"]
    assert overall["median_days_to_protection"] == 1
    assert overall["median_days_to_feedback"] == 13
    assert overall["median_days_to_acknowledge"] == 10
    assert overall["share_with_breach"] == 5 / 6 or overall["hidden"]["share_with_breach"]
    assert "fewer than 5 cases" in page.content.decode()  # 5 of 6 breached: 1 without
    html = page.content.decode()
    assert '<td class="num">13</td>' in html and '<td class="num">1</td>' in html
