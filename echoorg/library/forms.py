"""Forms of the library: the filters of the case list and an organisation's own code."""

from __future__ import annotations

from django import forms

from echoorg.core.library.cases import EVENT_KINDS, SECTORS, SPEAK_UP_STEPS
from echoorg.core.library.codebook import (
    ACCIMAP_LEVELS,
    HFACS_CATEGORIES,
    TURNER_STAGES,
    VAUGHAN_MECHANISMS,
    Codebook,
)


class LibraryFilterForm(forms.Form):
    """GET filters; an empty choice means "any"."""

    sector = forms.ChoiceField(label="Sector", required=False)
    mechanism = forms.ChoiceField(label="Mechanism", required=False)
    code = forms.ChoiceField(label="Code", required=False)

    def __init__(self, data, codebook: Codebook, sectors: tuple[str, ...]) -> None:
        super().__init__(data)
        self.fields["sector"].choices = [("", "Any sector")] + [(s, SECTORS[s]) for s in sectors]
        self.fields["mechanism"].choices = [("", "Any mechanism")] + [
            (c.id, c.name) for c in codebook.mechanisms
        ]
        self.fields["code"].choices = [("", "Any code")] + [
            (f.name, [(c.id, c.name) for c in codebook.codes_of(f.id)]) for f in codebook.families
        ]


class EventFilterForm(forms.Form):
    """GET filters of the events page: an event kind and a speak-up step."""

    kind = forms.ChoiceField(
        label="Kind of event",
        required=False,
        choices=[("", "Any kind")] + list(EVENT_KINDS.items()),
    )
    step = forms.ChoiceField(
        label="Speak-up step",
        required=False,
        choices=[("", "Any step")] + list(SPEAK_UP_STEPS.items()),
        help_text="The steps echoorg records when a concern is handled.",
    )


class ScaleForm(forms.Form):
    scale = forms.ChoiceField(label="Diagnostic scale", required=False)

    def __init__(self, data, scales: dict[str, str]) -> None:
        super().__init__(data)
        self.fields["scale"].choices = [("", "Any scale")] + list(scales.items())


class OrganisationCodeForm(forms.Form):
    id = forms.CharField(
        label="Identifier",
        max_length=60,
        help_text="Lower-case letters, digits and underscores, starting with a letter, "
        "for example 'rota_pressure'.",
    )
    family = forms.ChoiceField(label="Family")
    name = forms.CharField(label="Name", max_length=120)
    definition = forms.CharField(label="Definition", widget=forms.Textarea(attrs={"rows": 3}))
    use_when = forms.CharField(label="Use it when", widget=forms.Textarea(attrs={"rows": 3}))
    not_when = forms.CharField(label="Do not use it when", widget=forms.Textarea(attrs={"rows": 3}))
    example = forms.CharField(
        label="An example in your organisation", widget=forms.Textarea(attrs={"rows": 3})
    )
    accimap = forms.MultipleChoiceField(
        label="AcciMap levels",
        choices=list(ACCIMAP_LEVELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    hfacs = forms.MultipleChoiceField(
        label="HFACS categories",
        choices=list(HFACS_CATEGORIES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    turner = forms.MultipleChoiceField(
        label="Turner's stages, where they apply",
        choices=list(TURNER_STAGES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    vaughan = forms.MultipleChoiceField(
        label="Vaughan's mechanisms, where they apply",
        choices=list(VAUGHAN_MECHANISMS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, data, codebook: Codebook) -> None:
        super().__init__(data)
        self.fields["family"].choices = [(f.id, f.name) for f in codebook.families]

    def as_code_data(self) -> dict:
        """The cleaned form as a codebook entry, for the schema's own checks."""
        d = self.cleaned_data
        return {
            "id": d["id"].strip(),
            "family": d["family"],
            "name": d["name"],
            "definition": d["definition"],
            "use_when": d["use_when"],
            "not_when": d["not_when"],
            "example": d["example"],
            "crosswalk": {
                "accimap": d["accimap"],
                "hfacs": d["hfacs"],
                "turner": d["turner"],
                "vaughan": d["vaughan"],
            },
        }
