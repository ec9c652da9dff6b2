from conditions.content_version import PerVersion
from conditions.models import HpoRelease

_latest_release = PerVersion(lambda version: HpoRelease.objects.order_by("-imported_at").first())


def site(request):
    """The HPO release in use, for the licence line wherever HPO data is shown."""
    return {
        "hpo_release": _latest_release.get,  # called lazily by the template, only where shown
    }
