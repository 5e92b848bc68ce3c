"""Admin for the surveys app. Submissions, corrections and the activity log are append-only
facts: the admin shows them and never edits or deletes them."""

from django.contrib import admin

from custodes.web.core.admin import ReadOnlyAdmin
from custodes.web.surveys.models import (
    Activity,
    Correction,
    Invitation,
    Questionnaire,
    Return,
    Round,
    Submission,
)


@admin.register(Questionnaire)
class QuestionnaireAdmin(ReadOnlyAdmin):
    list_display = ["slug", "version", "title", "fingerprint", "loaded_at"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "recipient_list", "opens_at", "closes_at", "synthetic"]
    readonly_fields = ["questionnaire", "recipient_list", "created_at", "created_by"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["round", "body", "created_at", "expires_at", "revoked_at", "first_opened_at"]
    list_filter = ["round"]
    exclude = ["token_hash"]


class SubmissionInline(admin.TabularInline):
    model = Submission
    extra = 0
    can_delete = False
    readonly_fields = ["submitted_at", "recorded_at", "channel", "recorded_by", "answers"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class CorrectionInline(SubmissionInline):
    model = Correction
    readonly_fields = [
        "question_id",
        "old_value",
        "new_value",
        "reason",
        "corrected_at",
        "corrected_by",
    ]
    exclude = ["user"]


@admin.register(Return)
class ReturnAdmin(admin.ModelAdmin):
    list_display = ["round", "body", "locked", "reference", "draft_saved_at"]
    list_filter = ["round", "locked"]
    readonly_fields = [
        "round",
        "body",
        "draft",
        "draft_saved_at",
        "locked",
        "reference",
        "created_at",
        "covers",
    ]
    inlines = [SubmissionInline, CorrectionInline]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "round", "body", "message"]
    list_filter = ["action", "round"]
