"""The data migration of issue 9 computes the stored clock figures of the concerns that
exist already, with each organisation's clocks, equal to a fresh review."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from echoorg.core.concerns.clocks import (
    CLOCK_LABELS,
    Case,
    ClockPolicy,
    Event,
    add_months,
    review_case,
)

BEFORE = [("concerns", "0002_category_labels")]
AFTER = [("concerns", "0005_compute_case_clocks")]


@pytest.mark.django_db(transaction=True)
def test_existing_concerns_get_their_clock_figures():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    org = old.get_model("orgs", "Organisation").objects.create(slug="old", name="Old")
    old.get_model("concerns", "ConcernPolicy").objects.create(organisation=org, acknowledge_days=3)
    Concern = old.get_model("concerns", "Concern")
    CaseEvent = old.get_model("concerns", "CaseEvent")
    today = timezone.localdate()
    received = today - dt.timedelta(days=10)
    open_case = Concern.objects.create(
        organisation=org,
        reference="C-0001",
        mode="anonymous",
        category="other",
        risk_of_harm=True,
        text_encrypted=b"x",
        received_on=received,
    )
    CaseEvent.objects.create(concern=open_case, type="received", date=received)
    done = Concern.objects.create(
        organisation=org,
        reference="C-0002",
        mode="anonymous",
        category="other",
        text_encrypted=b"x",
        received_on=received,
    )
    for kind in ("received", "acknowledged", "feedback_given", "concluded"):
        CaseEvent.objects.create(concern=done, type=kind, date=received)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    rows = {r.concern_id: r for r in new.get_model("concerns", "CaseClocks").objects.all()}
    assert set(rows) == {open_case.pk, done.pk}
    assert rows[open_case.pk].acknowledge_due == received + dt.timedelta(days=3)
    assert rows[open_case.pk].tier == 0 and rows[open_case.pk].in_queue
    assert rows[open_case.pk].next_label == CLOCK_LABELS["protection"]
    steps = [
        Event(k, received) for k in ("received", "acknowledged", "feedback_given", "concluded")
    ]
    fresh = review_case(
        Case("C-0002", False, steps), today, ClockPolicy(acknowledge_days=3), received_on=received
    )
    assert rows[done.pk].acknowledge_due == fresh.deadlines["acknowledge"]
    assert rows[done.pk].feedback_due == fresh.deadlines["feedback"]
    assert rows[done.pk].closed and not rows[done.pk].in_queue
    assert rows[done.pk].followup_due == add_months(received, 3)  # the first detriment check

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
