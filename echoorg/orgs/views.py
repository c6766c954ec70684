from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from echoorg.accounts.invite import invite
from echoorg.audit.log import current_head
from echoorg.audit.models import AuditEntry
from echoorg.common.forms import submitted, submitted_files
from echoorg.common.parts import overview_panels
from echoorg.core.audit_actions import ACTIONS, describe
from echoorg.core.roles import ROLES
from echoorg.core.units import UnitImportError, keyed_forest, tree_order_by_name

from . import services
from .forms import MemberForm, OrganisationForm, SecuritySettingsForm, UnitForm, UnitImportForm
from .models import Membership, RoleRequest, Unit
from .permissions import can, can_anywhere, organisation_for, organisations_of

MAX_INDENT = 12  # deeper units are drawn at this indentation, with their level written


def _unit_tree(units: list[Unit], counts: dict[int, int]) -> list[dict]:
    """The units in tree order for the template, each with its depth: a flat list (a deep
    tree must not nest templates or HTML elements a thousand deep), siblings by name."""
    keys, forest = keyed_forest({u.pk: u.parent_id for u in units})
    by_pk = {u.pk: u for u in units}
    depths = forest.depths()
    order = tree_order_by_name(forest, [by_pk[key].name for key in keys])
    return [
        {
            "unit": by_pk[keys[i]],
            "members": counts.get(keys[i], 0),
            "depth": depths[i],
            "indent": min(depths[i], MAX_INDENT),
            "deep": depths[i] > MAX_INDENT,
        }
        for i in order
    ]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    organisations = organisations_of(request.user)
    if len(organisations) == 1:
        return redirect("organisation", slug=organisations[0].slug)
    if len(organisations) > 1 and "choose" not in request.GET:
        # Someone in several organisations lands in the one they used last (login sends
        # everyone here); `?choose` shows the full list.
        last = services.last_used_organisation(request.user)
        if last is not None:
            if request.session.get("organisation") != last.slug:
                request.session["organisation"] = last.slug
            return redirect("organisation", slug=last.slug)
    return render(
        request,
        "orgs/home.html",
        {
            "organisations": organisations,
            "can_create": can_anywhere(request.user, "organisations.create"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_new(request: HttpRequest) -> HttpResponse:
    if not can_anywhere(request.user, "organisations.create"):
        raise PermissionDenied("Only facilitators can set up organisations.")
    form = OrganisationForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        organisation = services.create_organisation(
            request.user, form.cleaned_data["name"], form.cleaned_data["slug"]
        )
        messages.success(request, f"{organisation.name} is set up; you are its facilitator.")
        return redirect("organisation", slug=organisation.slug)
    return render(request, "orgs/organisation_new.html", {"form": form})


@login_required
def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    org, member = organisation_for(request.user, slug, "organisation.view")
    # One query for both unit figures: a team is a unit that is no unit's parent, and a
    # unit's parent is always in its organisation.
    units = org.units.aggregate(units=Count("pk"), parents=Count("parent", distinct=True))
    stats = {"units": units["units"], "teams": units["units"] - units["parents"]}
    by_role = {}
    if can(request.user, org, "members.view"):
        # A count per role (not a permission check): the database counts the members of
        # each combination of roles, so the page reads a few rows, not one per member.
        combinations = list(org.memberships.order_by().values_list("roles").annotate(n=Count("pk")))
        by_role = {
            label: sum(n for roles, n in combinations if key in roles)
            for key, label in ROLES.items()
        }
        stats["people"] = sum(n for _, n in combinations)
    else:
        stats["people"] = org.memberships.count()
    to_decide = []
    if can(request.user, org, "guardians.confirm"):
        pending = RoleRequest.objects.filter(
            organisation=org, status=RoleRequest.PENDING
        ).select_related("member__user", "organisation")
        # Already a guardian or board member here: only who asked and who is asked about
        # are left to exclude (services.may_decide, without a query per request).
        to_decide = [
            r for r in pending if request.user.pk not in (r.requested_by_id, r.member.user_id)
        ]
    return render(
        request,
        "orgs/organisation.html",
        {
            "org": org,
            "member": member,
            "stats": stats,
            "by_role": by_role,
            "role_requests": to_decide,
            "can_create": can(request.user, org, "organisations.create"),
            "panels": overview_panels(request, org, member),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def units(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "units.view")
    may_manage = can(request.user, org, "units.manage")
    form = UnitForm(org, submitted(request))
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("Your role does not allow changing units.")
        if form.is_valid():
            unit = services.create_unit(
                request.user,
                org,
                form.cleaned_data["name"],
                form.cleaned_data["parent"],
                form.cleaned_data["kind"],
            )
            messages.success(request, f"Unit '{unit.name}' added.")
            return redirect("units", slug=org.slug)
    all_units = list(org.units.all())
    counts = dict(
        org.memberships.filter(unit__isnull=False)
        .values("unit")
        .annotate(n=Count("id"))
        .values_list("unit", "n")
    )
    return render(
        request,
        "orgs/units.html",
        {
            "org": org,
            "tree": _unit_tree(all_units, counts),
            "form": form,
            "may_manage": may_manage,
            "unit_count": len(all_units),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_detail(request: HttpRequest, slug: str, unit_id: int) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "units.view")
    unit = get_object_or_404(Unit, pk=unit_id, organisation=org)
    may_manage = can(request.user, org, "units.manage")
    form = UnitForm(
        org,
        submitted(request),
        unit=unit,
        initial={"name": unit.name, "kind": unit.kind, "parent": unit.parent_id},
    )
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("Your role does not allow changing units.")
        if form.is_valid():
            try:
                services.update_unit(
                    request.user,
                    unit,
                    form.cleaned_data["name"],
                    form.cleaned_data["parent"],
                    form.cleaned_data["kind"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("parent", message)
            else:
                messages.success(request, f"Unit '{unit.name}' saved.")
                return redirect("unit", slug=org.slug, unit_id=unit.pk)
        unit.refresh_from_db()
    # Ancestors from one query of the organisation's tree, not one query per level.
    parents = dict(org.units.values_list("pk", "parent_id"))
    keys, forest = keyed_forest(parents)
    above = [keys[a] for a in forest.ancestors(keys.index(unit.pk))]
    names = dict(org.units.filter(pk__in=above).values_list("pk", "name"))
    path = [Unit(pk=pk, organisation=org, name=names[pk]) for pk in above]
    return render(
        request,
        "orgs/unit.html",
        {
            "org": org,
            "unit": unit,
            "path": path,
            "children": unit.children.all(),
            "members": unit.membership_set.count(),
            "form": form,
            "may_manage": may_manage,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def units_import(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "units.manage")
    form = UnitImportForm(submitted(request), submitted_files(request))
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            created = services.import_units(request.user, org, form.cleaned_data["file"])
        except UnitImportError as exc:
            problems = [str(p) for p in exc.problems]
        else:
            messages.success(request, f"Imported {len(created)} units.")
            return redirect("units", slug=org.slug)
    status = 400 if request.method == "POST" and (problems or form.errors) else 200
    return render(
        request,
        "orgs/units_import.html",
        {"org": org, "form": form, "problems": problems},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def people(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "members.view")
    may_manage = can(request.user, org, "members.manage")
    form = MemberForm(org, submitted(request))
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("Your role does not allow adding people.")
        if form.is_valid():
            try:
                with transaction.atomic():  # a refused membership leaves no new account
                    member = services.add_member(
                        request.user,
                        org,
                        form.person(),
                        form.cleaned_data["roles"],
                        form.cleaned_data["unit"],
                        name=form.cleaned_data["full_name"],
                    )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request, added_message(request, org, member, form.cleaned_data["roles"])
                )
                return redirect("people", slug=org.slug)
    query = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("role", "")
    members = org.memberships.select_related("user", "unit").order_by("name", "user__email")
    if query:
        members = members.filter(
            Q(user__email__icontains=query)
            | Q(name__icontains=query)
            | Q(unit__name__icontains=query)
        )
    if role in ROLES:
        members = [m for m in members if role in m.roles]
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    shown = list(page)
    awaiting: dict[int, list[str]] = {}
    for member_id, asked in RoleRequest.objects.filter(
        member__in=shown, status=RoleRequest.PENDING
    ).values_list("member_id", "role"):
        awaiting.setdefault(member_id, []).append(services.role_label(asked))
    for m in shown:
        m.awaiting = awaiting.get(m.pk, [])
    return render(
        request,
        "orgs/people.html",
        {
            "org": org,
            "page": page,
            "form": form,
            "may_manage": may_manage,
            "query": query,
            "role": role,
            "roles": ROLES,
        },
    )


def _add_errors(form, exc: ValidationError) -> None:
    """Put a service's refusal on the field it names (roles), or on the whole form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def added_message(request: HttpRequest, org, member: Membership, roles: list[str]) -> str:
    """Email the person and say so; the same words whether or not the address already has
    an account, here or in another organisation (decision 0007)."""
    if member.user.has_usable_password():
        services.tell_added(member, request.user, request.build_absolute_uri("/"))
    else:
        invite(member.user, org.name, request.user.display_name, request.build_absolute_uri("/"))
    return (
        f"{member.display_name} added. They have been emailed an invitation."
        f"{_waiting_note(roles, [])}"
    )


def _waiting_note(wanted: list[str], held: list[str]) -> str:
    asked = [
        services.role_label(r) for r in services.CONFIRMED_ROLES if r in wanted and r not in held
    ]
    if not asked:
        return ""
    return (
        f" The {' and '.join(asked)} role{'s wait' if len(asked) > 1 else ' waits'} until "
        "a guardian or board member confirms; they have been emailed."
    )


@login_required
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    """A person's roles (facilitators), and their pending requests for the guardian or board
    role, which a guardian or board member other than the one who asked (and the person)
    confirms or declines."""
    org, _ = organisation_for(request.user, slug, "organisation.view")
    may_manage = can(request.user, org, "members.manage")
    if not (may_manage or can(request.user, org, "guardians.confirm")):
        raise PermissionDenied("Your role does not allow this.")
    member = get_object_or_404(
        Membership.objects.select_related("user"), pk=member_id, organisation=org
    )
    pending = [
        (r, services.may_decide(request.user, r)) for r in services.pending_role_requests(member)
    ]
    form = MemberForm(
        org,
        submitted(request) if may_manage else None,
        editing=True,
        initial={"roles": member.roles, "unit": member.unit_id},
    )
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision in ("confirm", "decline", "withdraw"):
            chosen = next(
                ((r, ok) for r, ok in pending if str(r.pk) == request.POST.get("request")), None
            )
            if chosen is None:
                messages.error(request, "That request is no longer open.")
                return redirect("person", slug=org.slug, member_id=member.pk)
            role_request, may_decide = chosen
            label = services.role_label(role_request.role)
            if decision == "withdraw":
                if not may_manage:
                    raise PermissionDenied("Your role does not allow changing people.")
                services.withdraw_role_request(request.user, role_request)
                messages.success(request, f"The request for the {label} role is withdrawn.")
                return redirect("person", slug=org.slug, member_id=member.pk)
            if not may_decide:
                raise PermissionDenied(
                    "Only a guardian or board member who did not ask "
                    "(and is not the person) can decide this request."
                )
            services.decide_role_request(request.user, role_request, decision == "confirm")
            messages.success(
                request,
                f"{member.display_name} is now a {label}."
                if decision == "confirm"
                else f"The request for the {label} role is declined.",
            )
            return redirect("person", slug=org.slug, member_id=member.pk)
        if not may_manage:
            raise PermissionDenied("Your role does not allow changing people.")
        if "remove" in request.POST:
            if member.user_id == request.user.pk:
                messages.error(request, "You cannot remove yourself.")
                return redirect("person", slug=org.slug, member_id=member.pk)
            name = member.display_name
            services.remove_member(request.user, member)
            messages.success(request, f"{name} removed from {org.name}.")
            return redirect("people", slug=org.slug)
        if form.is_valid():
            held = list(member.roles)
            try:
                services.change_member(
                    request.user, member, form.cleaned_data["roles"], form.cleaned_data["unit"]
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                note = _waiting_note(form.cleaned_data["roles"], held)
                messages.success(request, f"Roles of {member.display_name} saved.{note}")
                return redirect("people", slug=org.slug)
    return render(
        request,
        "orgs/person.html",
        {
            "org": org,
            "member": member,
            "form": form,
            "may_manage": may_manage,
            "pending": pending,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "organisation.configure")
    form = SecuritySettingsForm(
        submitted(request), initial={"require_2fa_roles": org.require_2fa_roles}
    )
    if request.method == "POST" and form.is_valid():
        services.change_security(request.user, org, form.cleaned_data["require_2fa_roles"])
        messages.success(request, "Security settings saved.")
        return redirect("org_settings", slug=org.slug)
    return render(request, "orgs/settings.html", {"org": org, "form": form})


@login_required
def audit_trail(request: HttpRequest, slug: str) -> HttpResponse:
    org, _ = organisation_for(request.user, slug, "audit.view")
    entries = AuditEntry.objects.filter(organisation=org).select_related("actor").order_by("-seq")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    rows = [(entry, describe(entry.action, entry.detail)) for entry in page]
    # Every kind of entry with its label and meaning, by label: the page's glossary.
    kinds = sorted(ACTIONS.items(), key=lambda kind: kind[1].label)
    return render(
        request,
        "orgs/audit.html",
        {
            "org": org,
            "page": page,
            "rows": rows,
            "kinds": kinds,
            "head": current_head(count_rows=False),
        },
    )


@login_required
@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    """Remember the organisation someone chose (for this session and their next login)
    and go to it."""
    slug = request.POST.get("organisation", "")
    org, _ = organisation_for(request.user, slug, "organisation.view")
    request.session["organisation"] = org.slug
    services.remember_organisation(request.user, org)
    return redirect("organisation", slug=org.slug)
