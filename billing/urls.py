from django.urls import path

from . import views

app_name = "billing"

# Mounted under /<organizer_slug>/billing/ by config/urls.py.
urlpatterns = [
    path("checkout/<int:enrollment_id>/", views.checkout, name="checkout"),
    path("orders/<int:order_id>/", views.order_detail, name="order"),
    path("orders/<int:order_id>/pay/", views.pay, name="pay"),
    path("invoices/<int:invoice_id>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/orders/<int:order_id>/", views.staff_order, name="staff_order"),
    path("staff/scholarships/", views.scholarships, name="scholarships"),
    path("staff/scholarships/<int:request_id>/", views.scholarship_decide, name="scholarship_decide"),
    path("staff/bank-import/", views.bank_import, name="bank_import"),
    path("staff/export/", views.export, name="export"),
    path(
        "staff/cohorts/<int:cohort_id>/organizations/<int:organization_id>/invoice/",
        views.group_invoice,
        name="group_invoice",
    ),
]
