from django.urls import path

from . import views

app_name = "reports_me"

# Mounted under /me/ by config/urls.py: a person's own documents, across organizers.
urlpatterns = [
    path("certificates/<int:enrollment_id>.pdf", views.certificate_download, name="certificate"),
]
