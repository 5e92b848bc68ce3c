"""Admin for assessments: viewable; writes go through the services (locks and audit), so the
admin changes nothing except certificates, which have no other editor yet."""

from django.contrib import admin

from custodes.web.assessments.models import (
    ActionItem,
    Assessment,
    AssessmentEvent,
    Certification,
    Evidence,
)
from custodes.web.core.admin import HTTPS_URL_FIELDS, ReadOnlyAdmin


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["body", "framework", "framework_version", "assessed_on", "source", "status"]
    list_filter = ["framework", "status", "source"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "principle", "evidence_type", "title", "public", "sha256"]


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "principle", "description", "due_on", "status"]
    list_filter = ["status"]


@admin.register(AssessmentEvent)
class AssessmentEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "body", "message"]


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ["body", "scheme", "step", "issued_on", "expires_on", "certifier"]
    readonly_fields = ["recorded_at", "recorded_by"]

    def save_model(self, request, obj, form, change) -> None:
        obj.recorded_by = obj.recorded_by or f"admin:{request.user.get_username()}"
        super().save_model(request, obj, form, change)
