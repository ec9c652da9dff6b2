from django.conf import settings

from conditions.content_version import PerVersion
from conditions.models import HpoRelease

_latest_release = PerVersion(lambda version: HpoRelease.objects.order_by("-imported_at").first())
latest_release = _latest_release.get


def site(request):
    """The HPO release in use, for the licence line wherever HPO data is shown."""
    return {
        "hpo_release": latest_release,  # called lazily by the template, only where shown
        "download_max": settings.EXPLORER_DOWNLOAD_MAX_CONDITIONS,
    }
