"""Admin for FOI campaigns. Events, replies and documents are facts on record: the admin shows
them and never edits or deletes them (corrections are events, made through the services)."""

from django.contrib import admin

from custodes.web.core.admin import ReadOnlyAdmin
from custodes.web.foi.models import Attachment, Campaign, Event, Reply, Request, RequestDefinition


@admin.register(RequestDefinition)
class RequestDefinitionAdmin(ReadOnlyAdmin):
    list_display = ["slug", "version", "title", "fingerprint", "loaded_at"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "definition", "recipient_list", "created_at"]
    readonly_fields = ["name", "definition", "recipient_list", "created_at", "created_by"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Request)
class RequestAdmin(ReadOnlyAdmin):
    list_display = ["reference", "campaign", "body", "regime"]
    list_filter = ["campaign", "regime"]
    search_fields = ["reference", "body__name"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["request", "kind", "at", "by", "recorded_at"]
    list_filter = ["kind", "request__campaign"]


@admin.register(Reply)
class ReplyAdmin(ReadOnlyAdmin):
    list_display = ["request", "received_at", "outcome", "channel", "recorded_by"]
    list_filter = ["outcome", "request__campaign"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "request", "kind", "size", "sha256", "personal_data"]
