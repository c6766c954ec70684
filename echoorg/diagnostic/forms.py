from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from echoorg.common.forms import IsoDateInput
from echoorg.core.diagnostic.instrument import Instrument, Item
from echoorg.orgs.models import Organisation, Unit

MAX_UPLOAD = 50 * 1024 * 1024


class WaveForm(forms.Form):
    title = forms.CharField(
        max_length=200, label="Title", help_text="For example 'Culture survey, spring 2027'."
    )
    instrument = forms.ChoiceField(label="Instrument")
    opens_on = forms.DateField(label="Opens on", widget=IsoDateInput())
    closes_on = forms.DateField(label="Closes on", widget=IsoDateInput())
    min_group = forms.IntegerField(
        label="Smallest group whose figures are shown",
        min_value=3,
        max_value=50,
        initial=5,
        help_text="No figure is shown for fewer people than this. 5 is usual; never below 3.",
    )
    collection = forms.ChoiceField(
        label="How answers are collected",
        widget=forms.RadioSelect,
        initial="links",
        choices=[
            ("links", "Through echoorg: each person gets a personal single-use link"),
            ("import", "By import: answers collected by another survey tool are uploaded"),
        ],
        help_text="Chosen now and never changed. A wave never mixes the two, so nobody can add "
        "rows to the answers echoorg collected.",
    )
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Units taking part",
        help_text="Leave all unticked for the whole organisation. A unit includes every unit "
        "below it.",
    )

    def __init__(
        self, organisation: Organisation, choices: dict[str, tuple[str, str]], *args, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [(key, title) for key, (title, _) in choices.items()]
        self.fields["units"].queryset = Unit.objects.filter(organisation=organisation).order_by(
            "name"
        )
        today = timezone.localdate()
        self.fields["opens_on"].initial = today
        self.fields["closes_on"].initial = today + dt.timedelta(days=21)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", "The wave must close on or after the day it opens.")
        return data


class UploadForm(forms.Form):
    file = forms.FileField(label="File", help_text="CSV (UTF-8) or Excel (.xlsx), at most 50 MB.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("The file is larger than 50 MB.")
        return upload


class InstrumentUploadForm(forms.Form):
    file = forms.FileField(
        label="Instrument file (YAML)",
        help_text="Written to the schema in the documentation, at most 1 MB.",
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > 1024 * 1024:
            raise forms.ValidationError("The file is larger than 1 MB.")
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.") from None


class AnswerPageForm(forms.Form):
    """One page of a survey: a radio group per item, all optional (people may skip)."""

    def __init__(self, instrument: Instrument, items: list[Item], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        scale = instrument.response_scale
        choices = [
            (str(value), label)
            for value, label in zip(range(scale.min, scale.max + 1), scale.labels, strict=True)
        ]
        for item in items:
            self.fields[item.id] = forms.ChoiceField(
                label=item.text, choices=choices, required=False, widget=forms.RadioSelect
            )


class FinalPageForm(forms.Form):
    """The last page: the comment questions, the closing question and the background
    questions, all optional."""

    comment = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Is there anything else you would like to tell us?",
        help_text="Comments are only shown for groups of at least 10 people, in a random "
        "order and without dates. Please do not name anyone.",
    )

    def __init__(self, instrument: Instrument, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        # The instrument's comment questions (each about one scale's theme) come before
        # the closing question.
        for question in instrument.comments:
            self.fields[f"comment_{question.id}"] = forms.CharField(
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
                label=question.question,
                help_text="Optional. Please do not name anyone.",
            )
        self.order_fields([f"comment_{q.id}" for q in instrument.comments] + ["comment"])
        for demographic in instrument.demographics:
            self.fields[f"demo_{demographic.id}"] = forms.ChoiceField(
                label=demographic.question,
                required=False,
                widget=forms.RadioSelect,
                choices=[(o, o) for o in demographic.options],
            )

    def themed_comments(self) -> dict[str, str]:
        """The answered comment questions, by question id."""
        return {
            q.id: self.cleaned_data[f"comment_{q.id}"]
            for q in self.instrument.comments
            if self.cleaned_data.get(f"comment_{q.id}", "").strip()
        }


class FullRowsForm(forms.Form):
    """The reference of the data-sharing agreement that covers a download of full rows."""

    agreement_reference = forms.CharField(
        label="Data-sharing agreement reference",
        min_length=3,
        max_length=200,
        help_text="The reference of the signed agreement under which you receive the full "
        "rows, for example 'DSA-2026-014'. It is kept with your name in the audit "
        "trail.",
    )

    def clean_agreement_reference(self) -> str:
        reference = " ".join(self.cleaned_data["agreement_reference"].split())
        if any(not ch.isprintable() for ch in reference):
            raise forms.ValidationError("Use letters, digits and punctuation only.")
        if len(reference) < 3:
            raise forms.ValidationError("Give the agreement's reference (3 characters or more).")
        return reference


class PrintLinksForm(forms.Form):
    """Which unit's people get printed links (slips without names)."""

    unit = forms.TypedChoiceField(
        label="Unit",
        coerce=int,
        help_text="One slip for each person of this unit (not the units below it) who has "
        "not answered yet.",
    )
    replace = forms.BooleanField(
        label="Replace slips printed before (a sheet was lost)",
        required=False,
        help_text="The slips printed earlier for this unit stop working.",
    )

    def __init__(self, units: list[Unit], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "Choose a unit")] + [(u.pk, u.name) for u in units]
        self.units = {u.pk: u for u in units}

    def clean_unit(self) -> Unit:
        unit = self.units.get(self.cleaned_data["unit"])
        if unit is None:
            raise forms.ValidationError("Choose one of the units invited to this wave.")
        return unit
