from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import availability, views

public_patterns = [
    path("", views.explore, name="explore"),
    path("suggest/", views.suggest, name="suggest"),
    path("conditions/", views.condition_list, name="condition_list"),
    path("conditions/<slug:slug>/", views.condition_detail, name="condition"),
    path("features/<slug:slug>/", views.feature_detail, name="feature"),
    path("body-systems/", views.body_system_list, name="body_system_list"),
    path("body-systems/<slug:slug>/", views.body_system_detail, name="body_system"),
    path("about/", views.about, name="about"),
]

urlpatterns = [
    path("", include((public_patterns, "explorer"))),
    path("admin/", admin.site.urls),
    path("health/live", availability.live, name="health_live"),
    path("health/ready", availability.ready, name="health_ready"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
