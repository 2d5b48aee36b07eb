from django.urls import path

from . import views

app_name = "reports"

# Mounted under /<organizer_slug>/ by config/urls.py.
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("certificates/<str:code>/", views.certificate_verify, name="certificate_verify"),
    path("reports/cohorts/<int:cohort_id>/", views.cohort_report, name="cohort_report"),
    # Before the cohort exports' pattern, which "invoices.csv" would match too.
    path("reports/cohorts/<int:cohort_id>/invoices.<slug:fmt>", views.cohort_invoice_export,
         name="cohort_invoice_export"),
    path("reports/cohorts/<int:cohort_id>/<slug:kind>.<slug:fmt>", views.cohort_export, name="cohort_export"),
    path("reports/equity/", views.equity_index, name="equity_index"),
    path("reports/equity/calls/<int:call_id>/", views.equity_call, name="equity_call"),
    path("reports/equity/programs/<int:program_id>/", views.equity_program, name="equity_program"),
    path("reports/calls/<int:call_id>/<slug:kind>.<slug:fmt>", views.call_export, name="call_export"),
    path("reports/cohorts/<int:cohort_id>/assessments/<slug:kind>.<slug:fmt>", views.assessment_export,
         name="assessment_export"),
    # The organizer's own invoices, no object in the address: one name per format.
    path("reports/invoices.csv", views.invoice_export, {"fmt": "csv"}, name="invoice_export_csv"),
    path("reports/invoices.xlsx", views.invoice_export, {"fmt": "xlsx"}, name="invoice_export_xlsx"),
]
