from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import accounts, availability, compare_views, exports, phenopacket, views
from .api import api

public_patterns = [
    path("", views.explore, name="explore"),
    path("suggest/", views.suggest, name="suggest"),
    path("conditions/", views.condition_list, name="condition_list"),
    path("conditions/<slug:slug>/", views.condition_detail, name="condition"),
    path("features/", views.feature_list, name="feature_list"),
    path("features/<slug:slug>/", views.feature_detail, name="feature"),
    path("body-systems/", views.body_system_list, name="body_system_list"),
    path("body-systems/<slug:slug>/", views.body_system_detail, name="body_system"),
    path("about/", views.about, name="about"),
    # Conditions side by side (conditions/compare.py), and the same as CSV.
    path("compare/", compare_views.compare_page, name="compare"),
    path("compare.csv", compare_views.compare_csv, name="compare_csv"),
    # Open data: the same questions as the pages, as CSV, phenopackets and JSON (explorer/api.py).
    path("results.csv", exports.results_csv, name="results_csv"),
    path(
        "conditions/<slug:slug>/features.csv",
        exports.condition_features_csv,
        name="condition_features_csv",
    ),
    path("phenopacket.json", phenopacket.phenopacket_export, name="phenopacket_export"),
    path("phenopacket/", phenopacket.phenopacket_import, name="phenopacket_import"),
]

urlpatterns = [
    path("", include((public_patterns, "explorer"))),
    path("api/", api.urls),
    path("report-a-problem/", include("conditions.urls")),
    path("admin/two-factor/setup/", accounts.two_factor_setup, name="two_factor_setup"),
    path("admin/two-factor/", accounts.two_factor_verify, name="two_factor_verify"),
    path("admin/", admin.site.urls),
    path("health/live", availability.live, name="health_live"),
    path("health/ready", availability.ready, name="health_ready"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
