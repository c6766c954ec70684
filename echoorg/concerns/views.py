"""The guardian's workspace, and the statistics leaders and the board see."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from echoorg.audit.log import record
from echoorg.common.forms import submitted, submitted_files
from echoorg.core.concerns.clocks import BREACH_LABELS, DEFENSIVE_RESPONSES, EVENT_LABELS
from echoorg.core.library.shipped import library
from echoorg.core.spreadsheet import csv_row
from echoorg.orgs.permissions import can, organisation_for

from . import services
from .charts import timeline_svg
from .forms import AssignForm, EventForm, ImportForm, MessageForm, PolicyForm, PublicPageForm
from .guardian_forms import GuardianForm
from .importing import CaseImportError, import_cases
from .insights import insights, quarterly
from .models import Attachment, CaseEvent, Concern, Message


@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "concerns.handle")
    found = services.queue(
        org,
        request.user,
        tab=request.GET.get("tab", "open"),
        search=request.GET.get("q", ""),
        page=_small_whole_number(request.GET.get("page")) or 1,
    )
    return render(
        request,
        "concerns/queue.html",
        {
            "org": org,
            "found": found,
            "rows": found.rows,
            "tabs": [(key, label, found.counts[key]) for key, label in services.QUEUE_TABS.items()],
            "overdue": found.counts["overdue"],
        },
    )


@login_required
@require_http_methods(["POST"])
def case_guardian(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    """Give the case to one of the organisation's guardians (or to nobody)."""
    org, _ = organisation_for(request.user, slug, "concerns.handle")
    concern = get_object_or_404(Concern, organisation=org, reference=reference)
    form = GuardianForm(org, submitted(request))
    if form.is_valid():
        services.assign_guardian(request.user, org, concern, form.cleaned_data["guardian"])
        who = form.cleaned_data["guardian"]
        messages.success(
            request, f"Given to {who.display_name}." if who else "No guardian has the case now."
        )
    else:
        messages.error(request, "Choose one of the organisation's guardians.")
    return redirect("concern", slug=org.slug, reference=concern.reference)


def _concern(request: HttpRequest, slug: str, reference: str):
    org, _ = organisation_for(request.user, slug, "concerns.handle")
    concern = get_object_or_404(
        Concern.objects.prefetch_related(
            # Who recorded each step and wrote each message, in the same two queries.
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
            Prefetch("messages", queryset=Message.objects.select_related("author")),
        ),
        organisation=org,
        reference=reference,
    )
    return org, concern


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def case(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    org, concern = _concern(request, slug, reference)
    action = request.POST.get("action", "")
    event_form = EventForm(
        submitted(request) if action == "event" else None, initial={"date": services.today_for(org)}
    )
    message_form = MessageForm(
        submitted(request) if action == "message" else None,
        submitted_files(request) if action == "message" else None,
    )
    assign_form = AssignForm(
        org,
        submitted(request) if action == "assign" else None,
        initial={"unit": concern.unit_id, "responsible_leader": concern.responsible_leader_id},
    )
    if request.method == "POST":
        try:
            if action == "event" and event_form.is_valid():
                data = event_form.cleaned_data
                services.add_event(
                    request.user,
                    concern,
                    type=data["type"],
                    date=data["date"],
                    note=data["note"],
                    detail={
                        "to": data["to"],
                        "outcome": data["outcome"],
                        "harm_risk": data["harm_risk"],
                        "detriment_risk": data["detriment_risk"],
                    },
                )
                messages.success(request, f"Recorded: {EVENT_LABELS[data['type']]}.")
                return redirect("concern", slug=org.slug, reference=concern.reference)
            if action == "message" and message_form.is_valid():
                services.send_message(
                    concern,
                    message_form.cleaned_data["body"],
                    from_reporter=False,
                    author=request.user,
                )
                for upload in message_form.cleaned_data["attachments"]:
                    services.add_attachment(concern, upload, from_reporter=False)
                messages.success(
                    request, "Message sent. The reporter reads it when they next follow up."
                )
                return redirect("concern", slug=org.slug, reference=concern.reference)
            if action == "assign" and assign_form.is_valid():
                services.assign(
                    request.user,
                    org,
                    concern,
                    assign_form.cleaned_data["unit"],
                    assign_form.cleaned_data["responsible_leader"],
                )
                messages.success(request, "Saved.")
                return redirect("concern", slug=org.slug, reference=concern.reference)
        except ValidationError as exc:
            target = event_form if action == "event" else message_form
            for field, errors in exc.message_dict.items():
                for error in errors:
                    target.add_error(field if field in target.fields else None, error)
    if request.method == "GET":  # who read a case is part of its audit trail
        record("concern.viewed", actor=request.user, organisation=org, obj=concern)
    today = services.today_for(org)
    found = services.review(concern, today)
    status = services.stored_review(concern, today)
    return render(
        request,
        "concerns/case.html",
        {
            "org": org,
            "concern": concern,
            "events": concern.events.all(),
            "thread": concern.messages.all(),
            "analysis": found.analysis,
            "deadlines": found.deadlines,
            "date_problems": found.problems,
            # A timeline needs usable dates; a case out of range lists its problems instead.
            "timeline": None
            if found.out_of_range
            else timeline_svg(concern, found.deadlines, found.analysis, today),
            "event_form": event_form,
            "message_form": message_form,
            "assign_form": assign_form,
            "attachments": concern.attachments.all(),
            "defensive": DEFENSIVE_RESPONSES,
            # Steps of a kind the inquiry library shows too link to those inquiries' events.
            "library_steps": library().speak_up_steps,
            "labels": EVENT_LABELS,
            "breach_labels": BREACH_LABELS,
            "policy": services.policy_for(org),
            "status": status,
            "status_clocks": status.clocks(today),
            "guardian_form": GuardianForm(org, initial={"guardian": concern.guardian_id}),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def attachment(request: HttpRequest, slug: str, reference: str, attachment_id: int):
    org, concern = _concern(request, slug, reference)
    found = get_object_or_404(Attachment, pk=attachment_id, concern=concern)
    record("concern.attachment_opened", actor=request.user, organisation=org, obj=concern)
    return services.attachment_response(found)


@login_required
@require_http_methods(["GET", "POST"])
def clock_settings(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "concerns.handle")
    policy = services.policy_for(org)
    action = request.POST.get("action", "clocks")
    form = PolicyForm(
        submitted(request) if action == "clocks" else None,
        initial={
            "acknowledge_days": policy.acknowledge_days,
            "feedback_months": policy.feedback_months,
            "protection_working_days": policy.protection_working_days,
            "min_group": policy.min_group,
        },
    )
    public_form = PublicPageForm(
        submitted(request) if action == "public" else None,
        initial={"public_page": policy.public_page, "public_contact": policy.public_contact},
    )
    if request.method == "POST":
        if action == "clocks" and form.is_valid():
            services.change_clocks(request.user, org, **form.cleaned_data)
            messages.success(request, "Clocks saved.")
            return redirect("concern_settings", slug=org.slug)
        if action == "public" and public_form.is_valid():
            services.change_public_page(request.user, org, **public_form.cleaned_data)
            messages.success(request, "Public speak-up page saved.")
            return redirect("concern_settings", slug=org.slug)
    return render(
        request,
        "concerns/settings.html",
        {"org": org, "form": form, "public_form": public_form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "concerns.handle")
    form = ImportForm(submitted(request), submitted_files(request))
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        name, data = form.cleaned_data["file"]
        try:
            count = import_cases(request.user, org, name, data)
        except CaseImportError as exc:
            problems = exc.problems
        else:
            messages.success(request, f"Imported {count} cases.")
            return redirect("concerns", slug=org.slug)
    return render(
        request,
        "concerns/import.html",
        {"org": org, "form": form, "problems": problems},
        status=400 if request.method == "POST" and (problems or form.errors) else 200,
    )


@login_required
def insights_page(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "concerns.stats")
    by = request.GET.get("by", "unit")
    tables = insights(org, by="leader" if by == "leader" else "unit")
    return render(
        request,
        "concerns/insights.html",
        {"org": org, "by": by, **tables, "may_return": can(request.user, org, "concerns.return")},
    )


@login_required
def quarterly_return(request: HttpRequest, slug: str) -> HttpResponse:
    """The quarterly return in the National Guardian's Office categories. Guardians see
    the true counts (a regulator return); board members see small counts hidden."""
    org, _ = organisation_for(request.user, slug, "concerns.return")
    suppress = not can(request.user, org, "concerns.handle")
    year = _small_whole_number(request.GET.get("year"))
    number = _small_whole_number(request.GET.get("quarter"))
    result = quarterly(org, year, number, suppress=suppress)
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["period", "measure", "label", "value"])
        period = result["period"]
        for row in result["categories"]:
            writer.writerow(csv_row([period, row["key"], row["label"], _cell(row["count"])]))
        for key, measure, label in (
            ("total", "total", "All concerns"),
            ("anonymous", "anonymous", "Raised anonymously"),
            ("anonymous_share", "anonymous_share", "Share raised anonymously"),
            ("detriment", "detriment_any", "About detriment or with detriment reported"),
            (
                "detriment_share",
                "detriment_any_share",
                "Share about detriment or with detriment reported",
            ),
        ):
            writer.writerow(csv_row([period, measure, label, _cell(result[key])]))
        for answer, count in result["would_speak_up_again"].items():
            writer.writerow(
                csv_row(
                    [
                        period,
                        f"would_speak_up_again_{answer}",
                        f"Would speak up again: {answer}",
                        _cell(count),
                    ]
                )
            )
        response = HttpResponse(out.getvalue(), content_type="text/csv")
        response["Content-Disposition"] = (
            f'attachment; filename="{org.slug}-speak-up-'
            f'{period.replace("/", "-").replace(" ", "-")}.csv"'
        )
        return response
    today = services.today_for(org)
    years = range(today.year - 3, today.year + 1)
    return render(
        request,
        "concerns/return.html",
        {
            "org": org,
            "r": result,
            "years": years,
            "suppressed": suppress,
            "k": services.read_policy(org).min_group,
        },
    )


def _small_whole_number(value: str | None) -> int | None:
    """A year or quarter from the query string: None unless it is 1 to 6 plain digits
    (a 5,000-digit number is not converted at all)."""
    if not value or len(value) > 6 or not value.isascii() or not value.isdigit():
        return None
    return int(value)


def _cell(value) -> str:
    if value is None:
        return ""
    return f"{value:.4f}" if isinstance(value, float) else str(value)
