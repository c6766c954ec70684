"""The forms of a wave's action plan: "what you told us" and one action."""

from __future__ import annotations

import datetime as dt

from django import forms

from echoorg.common.forms import IsoDateInput
from echoorg.core.diagnostic.action_plan import MAX_OWNER, MAX_SUMMARY, MAX_WHAT, STATUSES

# A new action's due date, pre-filled: a quarter after the plan is written.
DEFAULT_DUE_DAYS = 90


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label="What you told us, in your words",
        required=False,
        max_length=MAX_SUMMARY,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="In a few sentences, what leaders heard from the results: what is going "
        'well and what is not. Staff read it under "What we heard", above the actions.',
    )


class ActionForm(forms.Form):
    what = forms.CharField(
        label="What will be done",
        max_length=MAX_WHAT,
        error_messages={"required": "Say what will be done."},
    )
    owner = forms.CharField(
        label="Who owns it",
        max_length=MAX_OWNER,
        help_text="A role or a person's name, as staff will read it.",
        error_messages={"required": "Name who owns the action: a role or a person."},
    )
    due = forms.DateField(
        label="Due by",
        widget=IsoDateInput(),
        error_messages={
            "required": "Give a due date.",
            "invalid": "Give the due date as a date, like 2027-03-31.",
        },
    )
    status = forms.ChoiceField(label="Status", choices=list(STATUSES.items()))
    scale = forms.ChoiceField(
        label="Scale of the results it answers",
        required=False,
        help_text="Optional: the survey scale this action is meant to improve.",
    )

    def __init__(self, scales: list[tuple[str, str]], *args, today: dt.date | None = None, **kw):
        super().__init__(*args, **kw)
        self.fields["scale"].choices = [("", "None"), *scales]
        if today is not None and not self.is_bound and "due" not in self.initial:
            self.initial["due"] = today + dt.timedelta(days=DEFAULT_DUE_DAYS)
