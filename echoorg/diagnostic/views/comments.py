"""A closed wave's free-text comments for one unit, grouped by the theme of the question
they answer, with a count per theme and pages of 20."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from echoorg.core.diagnostic.comments import (
    PER_PAGE,
    PageOutOfRange,
    ThemeComments,
    comment_page,
    group_comments,
)

from ..forms import FinalPageForm
from ..models import SurveyWave
from ..results import (
    COMMENT_MIN_GROUP,
    WHOLE_ORGANISATION,
    UnitResult,
    comments_for,
    result_tree,
    wave_results,
)
from ._common import results_ready, wave_for

CLOSING_QUESTION = str(FinalPageForm.base_fields["comment"].label)


def themed_comments(
    wave: SurveyWave, focus: UnitResult, results: list[UnitResult]
) -> list[ThemeComments] | None:
    """The unit's comments grouped by theme, or None when its group is too small for
    comments (the rule of `results.comments_for`, unchanged)."""
    comments = comments_for(wave, focus.unit, results)
    if comments is None:
        return None
    return group_comments(wave.instrument, comments, CLOSING_QUESTION)


def comments_url(slug: str, wave: SurveyWave, unit_pk: int, theme: str = "", page: int = 0) -> str:
    """The comments page of `wave` (of the organisation `slug`) for a unit, theme and page."""
    url = reverse("wave_comments", kwargs={"slug": slug, "wave_id": wave.pk})
    query = f"?unit={unit_pk}"
    if theme:
        query += f"&theme={theme}"
    if page:
        query += f"&page={page}"
    return url + query


def _refuse(request, context: dict, message: str) -> HttpResponse:
    """A clear page, with status 404, for a unit, theme or page that does not exist."""
    return render(request, "diagnostic/comments.html", {**context, "problem": message}, status=404)


@login_required
def wave_comments(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    org, wave = wave_for(request, slug, wave_id, "survey.view")
    if not results_ready(wave):
        return render(request, "diagnostic/results_not_ready.html", {"org": org, "wave": wave})
    results = wave_results(wave)
    tree = result_tree(wave, results)
    context: dict = {"org": org, "wave": wave, "min_group": max(COMMENT_MIN_GROUP, wave.min_group)}
    unit_id = request.GET.get("unit", str(WHOLE_ORGANISATION))
    focus = tree.by_pk.get(int(unit_id)) if unit_id.isdigit() else None
    if focus is None:
        return _refuse(request, context, "This wave's results have no such unit.")
    context["focus"] = focus
    context["results_url"] = (
        reverse("wave_results", kwargs={"slug": org.slug, "wave_id": wave.pk})
        + f"?unit={focus.unit.pk}"
    )
    groups = themed_comments(wave, focus, results)
    context["groups"] = groups
    if groups is None:
        return render(request, "diagnostic/comments.html", context)
    by_key = {g.theme.key: g for g in groups}
    theme = request.GET.get("theme", "")
    raw_page = request.GET.get("page", "")
    if theme and theme not in by_key:
        return _refuse(
            request,
            context,
            "This survey has no comment theme of that name. Choose one of the themes listed.",
        )
    if raw_page and not theme:
        return _refuse(request, context, "Choose a theme first, then a page of its comments.")
    if raw_page and not raw_page.isdigit():
        return _refuse(request, context, "A page number is a whole number, such as 2.")
    shown = [by_key[theme]] if theme else groups
    sections = []
    for group in shown:
        try:
            page = comment_page(group.count, int(raw_page or 1))
        except PageOutOfRange as problem:
            return _refuse(request, context, f"{group.theme.name}: {problem}")
        sections.append(
            {
                "group": group,
                "page": page,
                "comments": group.comments[page.start : page.stop],
                "previous_url": comments_url(
                    org.slug, wave, focus.unit.pk, group.theme.key, page.previous
                )
                if page.previous
                else "",
                "next_url": comments_url(org.slug, wave, focus.unit.pk, group.theme.key, page.next)
                if page.next
                else "",
                "page_urls": [
                    (n, comments_url(org.slug, wave, focus.unit.pk, group.theme.key, n))
                    for n in range(1, page.pages + 1)
                ],
            }
        )
    context = {
        **context,
        "theme": by_key.get(theme),
        "sections": sections,
        "total": sum(g.count for g in groups),
        "per_page": PER_PAGE,
        "summary": [(g, comments_url(org.slug, wave, focus.unit.pk, g.theme.key)) for g in groups],
    }
    return render(request, "diagnostic/comments.html", context)
