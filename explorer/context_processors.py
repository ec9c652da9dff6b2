from conditions.models import HpoRelease


def site(request):
    """The HPO release in use, for the licence line wherever HPO data is shown."""

    def latest_release():
        return HpoRelease.objects.order_by("-imported_at").first()

    return {
        "hpo_release": latest_release,  # called lazily by the template, only where it is shown
    }
