from django.urls import path

from . import views

app_name = "cohorts"

# Mounted under /<organizer_slug>/ by config/urls.py.
urlpatterns = [
    path("programs/", views.catalog, name="catalog"),
    path("programs/<slug:program_slug>/", views.program_detail, name="program_detail"),
    path("programs/<slug:program_slug>/<slug:cohort_slug>/register/", views.register, name="register"),
    path("programs/<slug:program_slug>/<slug:cohort_slug>/register-team/", views.register_team, name="register_team"),
    path("teams/join/<str:token>/", views.team_invitation, name="team_invitation"),
]
