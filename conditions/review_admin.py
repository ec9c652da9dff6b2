"""The admin's review list: imported fields staff own, and where a newer release disagrees."""

from django.apps import apps
from django.contrib import admin, messages
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from .models import StaffEdit


@admin.register(StaffEdit)
class StaffEditAdmin(admin.ModelAdmin):
    list_display = ["row", "field", "imported", "release_value", "release", "needs_review"]
    list_filter = ["needs_review", "model", "field"]
    list_per_page = 100
    actions = ["mark_reviewed"]
    readonly_fields = [
        "model",
        "object_id",
        "field",
        "imported",
        "release_value",
        "release",
        "edited_at",
    ]
    fields = [*readonly_fields, "needs_review"]

    @admin.display(description="row")
    def row(self, edit: StaffEdit) -> str:
        """The edited row, linked to its own admin page (where staff can take the release's value)."""
        model = apps.get_model(edit.model)
        obj = model._default_manager.filter(pk=edit.object_id).first()
        if obj is None:
            return f"{model._meta.verbose_name} #{edit.object_id} (deleted)"
        try:
            url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                args=[edit.object_id],
            )
        except NoReverseMatch:
            return str(obj)
        return format_html('<a href="{}">{}: {}</a>', url, model._meta.verbose_name, obj)

    def has_add_permission(self, request) -> bool:
        return False  # made by edits, never by hand

    @admin.action(description="Mark reviewed (keep staff's values)")
    def mark_reviewed(self, request, queryset):
        count = queryset.update(needs_review=False)
        self.message_user(request, f"{count} marked reviewed.", messages.SUCCESS)
