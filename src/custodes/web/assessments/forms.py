"""Forms of the respondent's assessment pages (rendered with ``core/templatetags/govuk_forms``)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from custodes import sat
from custodes.web.assessments.choices import (
    ANSWER_CHOICES,
    RATING_CHOICES,
    SYSTEM_CHOICES,
    ActionStatus,
)

TEXT_LIMIT = 10_000
DATE_HINT = "For example, 2025-04-01"


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise forms.ValidationError("Remove the NUL character: text cannot contain it.")
    return value


class StartForm(forms.Form):
    """Which systems a new assessment covers, and its period."""

    systems = forms.MultipleChoiceField(
        label="Which systems does this assessment cover?",
        choices=SYSTEM_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. One assessment can cover several systems.",
        error_messages={"required": "Select the systems this assessment covers"},
    )
    period_start = forms.DateField(
        label="Period from (optional)",
        required=False,
        help_text=DATE_HINT,
        error_messages={"invalid": "Enter the start of the period as a date, like 2025-04-01"},
    )
    period_end = forms.DateField(
        label="Period to (optional)",
        required=False,
        help_text=DATE_HINT,
        error_messages={"invalid": "Enter the end of the period as a date, like 2026-03-31"},
    )
    author_role = forms.CharField(
        label="Your role (optional)", max_length=100, required=False, validators=[_no_nul]
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The period must end after it starts")
        return cleaned


class PrincipleForm(forms.Form):
    """One principle's answers, rating and rationale; the questions come from the framework."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    rating = forms.ChoiceField(
        label="Your rating",
        choices=RATING_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a rating for this principle"},
    )
    rationale = forms.CharField(
        label="Why this rating?",
        required=False,
        max_length=TEXT_LIMIT,
        validators=[_no_nul],
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, principle: sat.Principle, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.principle = principle
        self.fields["rating"].label = f"Your rating of principle {principle.number}"
        for question in principle.questions:
            if question.type == "closed":
                self.fields[question.id] = forms.ChoiceField(
                    label=question.text,
                    choices=ANSWER_CHOICES,
                    required=False,
                    widget=forms.RadioSelect,
                )
            else:
                self.fields[question.id] = forms.CharField(
                    label=question.text,
                    required=False,
                    max_length=TEXT_LIMIT,
                    validators=[_no_nul],
                    widget=forms.Textarea(attrs={"rows": 3}),
                )

    def question_fields(self) -> list[forms.BoundField]:
        """The principle's questions, in the framework's order (rating and rationale apart)."""
        return [self[q.id] for q in self.principle.questions]

    def answers(self) -> dict[str, str]:
        return {q.id: self.cleaned_data.get(q.id) or "" for q in self.principle.questions}


class ActionForm(forms.Form):
    """A new action-plan item."""

    description = forms.CharField(label="What will be done?", max_length=2000, validators=[_no_nul])
    owner_role = forms.CharField(
        label="Who owns it (role)", max_length=100, required=False, validators=[_no_nul]
    )
    due_on = forms.DateField(
        label="Due by (optional)",
        required=False,
        help_text="For example, 2026-01-31",
        error_messages={"invalid": "Enter the due date as a date, like 2026-01-31"},
    )


class ActionStatusForm(forms.Form):
    """Progress on an action-plan item."""

    status = forms.ChoiceField(
        label="Status",
        choices=[(s.value, s.label) for s in ActionStatus if s != ActionStatus.CARRIED_OVER],
        error_messages={
            "required": "Choose a status",
            "invalid_choice": "Choose a status from the list",
        },
    )
    closure_evidence = forms.CharField(
        label="What shows it is done", max_length=2000, required=False, validators=[_no_nul]
    )


class EvidenceForm(forms.Form):
    """A document supporting the rating: a file or a web address."""

    evidence_type = forms.ChoiceField(label="Kind of document")
    title = forms.CharField(label="Title", max_length=300, validators=[_no_nul])
    dated = forms.DateField(
        label="Date of the document (optional)",
        required=False,
        help_text=DATE_HINT,
        error_messages={"invalid": "Enter the date of the document as a date, like 2025-04-01"},
    )
    url = forms.URLField(
        label="Web address", required=False, max_length=2000, assume_scheme="https"
    )
    file = forms.FileField(label="Or upload the file", required=False)
    public = forms.BooleanField(label="It may be published with the assessment", required=False)

    def __init__(self, *args, framework: sat.Framework, principle: sat.Principle, **kwargs):
        super().__init__(*args, **kwargs)
        suggested = [e for e in framework.evidence_types if e.id in principle.evidence]
        others = [e for e in framework.evidence_types if e.id not in principle.evidence]
        self.fields["evidence_type"].choices = [(e.id, e.label) for e in suggested + others]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("url") and not cleaned.get("file") and not self.errors:
            self.add_error("url", "Give a web address or upload the file")
        return cleaned


class CompleteForm(forms.Form):
    """Completing a draft: the date it was assessed, and where it is published (if it is)."""

    assessed_on = forms.DateField(
        label="Date of the assessment",
        help_text="For example, 2025-12-01",
        error_messages={
            "required": "Enter the date of the assessment",
            "invalid": "Enter the date of the assessment as a date, like 2025-12-01",
        },
    )
    published_url = forms.URLField(
        label="Where it is published (if it is)",
        required=False,
        max_length=2000,
        assume_scheme="https",
    )

    def clean_assessed_on(self):
        day = self.cleaned_data["assessed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date of the assessment cannot be in the future")
        return day
