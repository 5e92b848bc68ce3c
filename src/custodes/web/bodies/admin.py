from django.contrib import admin

from custodes.web.bodies.models import Body, Contact, RecipientList


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "country", "foi_regime", "foi_email"]
    list_filter = ["kind", "country", "foi_regime"]
    search_fields = ["name", "code", "aliases"]
    inlines = [ContactInline]


@admin.register(RecipientList)
class RecipientListAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "title", "date"]
    filter_horizontal = ["bodies"]
