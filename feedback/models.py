"""Problems visitors report with a page, for staff to read and close."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ProblemReport(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    page = models.CharField(max_length=300, help_text="The path of the page the report is about.")
    message = models.TextField(max_length=2000)
    contact = models.EmailField(
        "reply-to email", blank=True, help_text="Only if the visitor wants an answer."
    )
    status = models.CharField(max_length=6, choices=Status, default=Status.OPEN)
    staff_note = models.TextField(blank=True, help_text="What was done about it.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A keyed hash of the sender's address: enough to rate-limit, never the address itself.
    sender = models.CharField(max_length=64, editable=False, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="problem_report_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.page}: {self.message[:60]}"
