"""Forms of the watchdog dashboard."""

from __future__ import annotations

from django import forms

from custodes.web.surveys.models import Round


class CorrectionForm(forms.Form):
    question_id = forms.ChoiceField(label="Question")
    value = forms.CharField(
        label="New value",
        required=False,
        help_text="As you would type it: yes / no / unsure, a number, an option, or a list "
        "separated by semicolons. Leave empty to remove the answer.",
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: the follow-up enquiry of 1 March found …",
    )

    def __init__(self, *args, question_choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question_id"].choices = question_choices


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}))


class EmailTextForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["invitation_subject", "invitation_body", "reminder_subject", "reminder_body"]
        help_texts = {
            "invitation_body": "Placeholders: {round_title} {body_name} {closes} {expires} "
            "{link}. The link must appear in the text.",
        }

    def clean(self):
        cleaned = super().clean()
        for field in ("invitation_body", "reminder_body"):
            if "{link}" not in (cleaned.get(field) or ""):
                self.add_error(field, "The text must contain {link}.")
        return cleaned


MAX_REMINDER_DAYS = 365


class ReminderScheduleForm(forms.Form):
    """The round's automatic reminder: days before closing, or empty for none."""

    reminder_days_before_close = forms.IntegerField(
        label="Days before the round closes", required=False
    )

    def clean_reminder_days_before_close(self) -> int | None:
        days = self.cleaned_data.get("reminder_days_before_close")
        if days is not None and not 1 <= days <= MAX_REMINDER_DAYS:
            raise forms.ValidationError(f"Give a number of days from 1 to {MAX_REMINDER_DAYS}.")
        return days
