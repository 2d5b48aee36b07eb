from django.urls import path

from . import views

app_name = "reports"

# Mounted under /<organizer_slug>/ by config/urls.py.
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("certificates/<str:code>/", views.certificate_verify, name="certificate_verify"),
    path("reports/cohorts/<int:cohort_id>/", views.cohort_report, name="cohort_report"),
    path("reports/cohorts/<int:cohort_id>/<slug:kind>.<slug:fmt>", views.cohort_export, name="cohort_export"),
    path("reports/equity/", views.equity_index, name="equity_index"),
    path("reports/equity/calls/<int:call_id>/", views.equity_call, name="equity_call"),
    path("reports/equity/programs/<int:program_id>/", views.equity_program, name="equity_program"),
    path("reports/calls/<int:call_id>/<slug:kind>.<slug:fmt>", views.call_export, name="call_export"),
]
