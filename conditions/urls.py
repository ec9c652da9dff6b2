from django.urls import path

from . import views

app_name = "conditions"
urlpatterns = [
    path("", views.report_problem, name="report_problem"),
    path("thanks/", views.thanks, name="report_thanks"),
]
