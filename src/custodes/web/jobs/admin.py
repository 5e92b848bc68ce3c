"""Jobs in the admin: a read-only record of background work, for operators."""

from django.contrib import admin

from custodes.web.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "state",
        "attempts",
        "progress_done",
        "progress_total",
        "started_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["state", "kind"]
    search_fields = ["kind", "started_by", "idempotency_key"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
