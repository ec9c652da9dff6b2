"""The admin index's "what needs review" panel: counts that link to the filtered lists."""

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils import timezone

from conditions.models import REVIEW_INTERVAL, Condition, ProblemReport, StaffEdit

register = template.Library()


@dataclass
class ReviewCount:
    label: str
    count: int
    url: str


def needs_review() -> list[ReviewCount]:
    """What editors should look at, each with the admin list that shows exactly those rows."""
    conditions = reverse("admin:conditions_condition_changelist")
    today = timezone.localdate()
    rows = [
        ReviewCount(
            "Draft conditions",
            Condition.objects.filter(status=Condition.Status.DRAFT).count(),
            f"{conditions}?status__exact=draft",
        ),
        ReviewCount(
            "Conditions never reviewed",
            Condition.objects.filter(last_reviewed__isnull=True).count(),
            f"{conditions}?reviewed=never",
        ),
        ReviewCount(
            "Conditions due for review (last reviewed over a year ago)",
            Condition.objects.filter(last_reviewed__lt=today - REVIEW_INTERVAL).count(),
            f"{conditions}?reviewed=overdue",
        ),
        # Without a staff summary a page shows one generated from its rows; only a page with no
        # rows to say anything from needs an editor to write one.
        ReviewCount(
            "Published conditions with no summary and nothing to generate one from",
            Condition.objects.published().nothing_to_summarise().count(),
            f"{conditions}?status__exact=published&summary=nothing",
        ),
        ReviewCount(
            "Staff corrections a newer HPO release disagrees with",
            StaffEdit.objects.filter(needs_review=True).count(),
            f"{reverse('admin:conditions_staffedit_changelist')}?needs_review__exact=1",
        ),
        ReviewCount(
            "Open problem reports from visitors",
            ProblemReport.objects.filter(status=ProblemReport.Status.OPEN).count(),
            f"{reverse('admin:conditions_problemreport_changelist')}?status__exact=open",
        ),
    ]
    return rows


@register.inclusion_tag("admin/includes/needs_review.html")
def review_counts():
    return {"rows": needs_review()}
