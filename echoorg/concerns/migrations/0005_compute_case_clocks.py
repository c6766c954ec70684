"""Compute the stored clock figures (CaseClocks) of every concern that exists already.

Self-contained (historical models and the pure core only), so that later changes to the
services cannot change what this migration does."""

from __future__ import annotations

from django.db import migrations
from django.utils import timezone

from echoorg.core.concerns.clocks import Case, ClockPolicy, Event
from echoorg.core.concerns.figures import case_figures

BATCH = 1000
DATES = (
    "acknowledge_due",
    "acknowledged_on",
    "feedback_due",
    "feedback_on",
    "protection_due",
    "protected_on",
    "next_due",
    "handling_due",
    "followup_due",
)
OTHERS = (
    "risk_of_harm",
    "out_of_range",
    "problems",
    "closed",
    "next_label",
    "handling_label",
    "followup_label",
    "days_to_acknowledge",
    "days_to_feedback",
    "days_to_protection",
    "defensive_responses",
    "detriment_reported",
    "tier",
    "in_queue",
    "computed_on",
    "recheck_on",
)


def compute(apps, schema_editor):
    Concern = apps.get_model("concerns", "Concern")
    CaseEvent = apps.get_model("concerns", "CaseEvent")
    CaseClocks = apps.get_model("concerns", "CaseClocks")
    ConcernPolicy = apps.get_model("concerns", "ConcernPolicy")
    today = timezone.localdate()
    policies = {
        p.organisation_id: ClockPolicy(
            acknowledge_days=p.acknowledge_days,
            feedback_months=p.feedback_months,
            protection_working_days=p.protection_working_days,
        )
        for p in ConcernPolicy.objects.all()
    }
    ids = list(Concern.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        chosen = list(Concern.objects.filter(pk__in=ids[start : start + BATCH]))
        steps: dict[int, list[Event]] = {}
        for concern_id, kind, date in (
            CaseEvent.objects.filter(concern__in=[c.pk for c in chosen])
            .order_by("date", "pk")
            .values_list("concern_id", "type", "date")
        ):
            steps.setdefault(concern_id, []).append(Event(kind, date))
        rows = []
        for concern in chosen:
            figures = case_figures(
                Case(concern.reference, concern.risk_of_harm, steps.get(concern.pk, [])),
                today,
                policies.get(concern.organisation_id, ClockPolicy()),
                received_on=concern.received_on,
            )
            values = {name: getattr(figures, name) for name in (*DATES, *OTHERS)}
            values["detriment_checks"] = [
                {
                    "months": c.months,
                    "due": c.due.isoformat(),
                    "made_on": c.made_on.isoformat() if c.made_on else None,
                }
                for c in figures.detriment_checks
            ]
            rows.append(
                CaseClocks(
                    concern_id=concern.pk,
                    organisation_id=concern.organisation_id,
                    guardian_id=concern.guardian_id,
                    **values,
                )
            )
        CaseClocks.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("concerns", "0004_case_clocks")]

    operations = [migrations.RunPython(compute, migrations.RunPython.noop)]
