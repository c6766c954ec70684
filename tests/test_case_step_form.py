"""Issue 10, speak-up guardians: every step asked for the date again (the server wrote
`29/11/2026` into `<input type="date">`, which the browser drops), the step form showed
five "for an X" fields whatever the step, and the timeline showed codes
(`to safeguarding_authority`)."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from echoorg.concerns.models import CaseEvent
from echoorg.core.concerns.clocks import describe_step

from .test_speak_up import case_url, concern, guardian  # noqa: F401 (fixtures)

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def date_inputs(page: str) -> dict[str, str]:
    """name -> value of every `<input type="date">` on a page."""
    found = {}
    for tag in re.findall(r"<input[^>]*type=\"date\"[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag)
        found[name] = value.group(1) if value else ""
    return found


def form_as_rendered(page: str, action: str) -> dict[str, str]:
    """What a browser sends for the form with `action` when nobody touches it: the
    rendered values of its inputs and the selected (or first) option of its selects."""
    start = page.index(f'name="action" value="{action}"')
    form = page[page.rindex("<form", 0, start) : page.index("</form>", start)]
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="checkbox"' not in tag:
            data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options) or re.search(
            r'<option value="([^"]*)"', options
        )
        data[name] = chosen.group(1)
    return data


def test_the_step_date_comes_up_as_today_in_iso_format(login_as, guardian, org, concern):  # noqa: F811
    page = login_as(guardian).get(case_url(org, concern)).content.decode()
    today = timezone.localdate()
    assert date_inputs(page) == {"date": today.isoformat()}
    assert today.strftime("%d/%m/%Y") not in page


def test_a_step_saved_without_touching_the_date_succeeds(login_as, guardian, org, concern):  # noqa: F811
    client = login_as(guardian)
    page = client.get(case_url(org, concern)).content.decode()
    data = form_as_rendered(page, "event")
    assert data["type"] == "acknowledged" and data["date"] == timezone.localdate().isoformat()
    response = client.post(case_url(org, concern), data)
    assert response.status_code == 302
    step = CaseEvent.objects.get(concern=concern, type="acknowledged")
    assert step.date == timezone.localdate() and step.actor == guardian


def test_the_wave_dates_come_up_in_iso_format(login_as, facilitator, org):
    page = login_as(facilitator).get(reverse("wave_new", kwargs={"slug": org.slug}))
    found = date_inputs(page.content.decode())
    assert set(found) == {"opens_on", "closes_on"}
    assert all(ISO.fullmatch(v) for v in found.values()), found
    assert found["opens_on"] == timezone.localdate().isoformat()


def test_each_detail_field_says_which_step_it_is_for(login_as, guardian, org, concern):  # noqa: F811
    page = login_as(guardian).get(case_url(org, concern)).content.decode()
    wrapped = dict(
        (name, step)
        for step, name in re.findall(
            r'<div data-for-step="([a-z_]+)">\s*<div class="field[^"]*">\s*<label for="id_([a-z_]+)"',
            page,
        )
    )
    assert wrapped == {
        "to": "external_referral",
        "outcome": "concluded",
        "harm_risk": "assessed",
        "detriment_risk": "assessed",
    }
    # Shown by a static script (strict CSP), never an inline one; without it all fields
    # show, each label naming its kind of step.
    assert "echoorg/step-details.js" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert "Referred to (for an external referral)" in page


def test_details_of_another_kind_of_step_are_not_stored(login_as, guardian, org, concern):  # noqa: F811
    """A field filled in before the guardian changed the kind of step (hidden by the
    script, or visible without it) is ignored."""
    response = login_as(guardian).post(
        case_url(org, concern),
        {
            "action": "event",
            "type": "acknowledged",
            "date": timezone.localdate().isoformat(),
            "to": "police",
            "outcome": "substantiated",
            "harm_risk": "high",
            "detriment_risk": "low",
        },
    )
    assert response.status_code == 302
    assert CaseEvent.objects.get(type="acknowledged").detail == {}


def test_a_referral_without_its_detail_names_the_field(login_as, guardian, org, concern):  # noqa: F811
    response = login_as(guardian).post(
        case_url(org, concern),
        {"action": "event", "type": "external_referral", "date": timezone.localdate()},
    )
    assert response.status_code == 400
    assert "Referred to (for an external referral): Say who the concern was referred to." in (
        response.content.decode()
    )
    assert concern.events.count() == 1


@pytest.mark.parametrize(
    ("data", "words", "code"),
    [
        (
            {"type": "external_referral", "to": "safeguarding_authority"},
            "Referred to an external body: Safeguarding authority",
            "to safeguarding_authority",
        ),
        (
            {"type": "assessed", "harm_risk": "medium", "detriment_risk": "none"},
            "risk of harm to others medium, risk of detriment to the reporter none",
            "harm risk medium",
        ),
        (
            {"type": "concluded", "outcome": "partly_substantiated"},
            "Concluded: Partly substantiated",
            "partly_substantiated</td>",
        ),
    ],
)
def test_the_list_of_steps_shows_words_not_codes(
    login_as,
    guardian,  # noqa: F811
    org,
    concern,  # noqa: F811
    data,
    words,
    code,
):
    client = login_as(guardian)
    if data["type"] == "concluded":
        client.post(
            case_url(org, concern),
            {"action": "event", "type": "acknowledged", "date": timezone.localdate()},
        )
    posted = client.post(
        case_url(org, concern), {"action": "event", "date": timezone.localdate(), **data}
    )
    assert posted.status_code == 302
    page = html.unescape(client.get(case_url(org, concern)).content.decode())
    table = page[page.index('id="steps-caption"') :]
    steps = table[table.index("<tbody>") : table.index("</tbody>")]
    # What a reader sees: link addresses (a step's link to the library's inquiries names
    # the step's kind in its query string) are not text on the page.
    steps = re.sub(r'href="[^"]*"', "", steps)
    assert words in steps
    assert code not in steps
    for value in data.values():
        if "_" in value:
            assert value not in steps  # no code anywhere in the list


def test_step_words_for_unknown_or_odd_details_never_fail():
    assert describe_step("external_referral", {"to": "police"}) == (
        "Referred to an external body: Police"
    )
    assert describe_step("external_referral", {"to": "martians"}).endswith(": martians")
    assert describe_step("concluded", None) == "Concluded"
    assert describe_step("concluded", ["not", "a", "dict"]) == "Concluded"
    assert describe_step("mystery_step", {}) == "mystery_step"
    assert "not said" in describe_step("assessed", {"harm_risk": "high"})
