"""The admin's list of problems visitors report: editors read them and close them."""

from django.contrib import admin
from django.utils import timezone

from .models import ProblemReport


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "page", "short_message", "status"]
    list_filter = ["status", "created_at"]
    search_fields = ["page", "message", "staff_note"]
    readonly_fields = ["page", "message", "contact", "created_at", "closed_at", "closed_by"]
    fields = [*readonly_fields[:4], "status", "staff_note", "closed_at", "closed_by"]
    actions = ["close"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False  # reports come from visitors only

    @admin.display(description="message")
    def short_message(self, obj):
        return obj.message[:80]

    @admin.action(description="Close the selected reports")
    def close(self, request, queryset):
        for report in queryset.filter(status=ProblemReport.Status.OPEN):
            self._set_closed(report, request.user)
            report.save()
        self.message_user(request, "Closed the selected reports.")

    def save_model(self, request, obj, form, change):
        # Closing from the form stamps who and when; reopening clears them.
        if obj.status == ProblemReport.Status.CLOSED and obj.closed_at is None:
            self._set_closed(obj, request.user)
        elif obj.status == ProblemReport.Status.OPEN:
            obj.closed_at, obj.closed_by = None, None
        super().save_model(request, obj, form, change)

    @staticmethod
    def _set_closed(report, user):
        report.status = ProblemReport.Status.CLOSED
        report.closed_at = timezone.now()
        report.closed_by = user
