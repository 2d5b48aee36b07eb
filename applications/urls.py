from django.urls import path

from . import views

app_name = "applications"

# Mounted under /<organizer_slug>/ by config/urls.py.
urlpatterns = [
    # Applicants.
    path("applications/", views.home, name="home"),
    path("apply/<int:call_id>/", views.apply, name="apply"),
    path("applications/<int:application_id>/", views.application_status, name="application_status"),
    path("applications/<int:application_id>/withdraw/", views.withdraw, name="withdraw"),
    path("applications/<int:application_id>/offer/", views.respond_to_offer, name="respond_to_offer"),
    path("applications/<int:application_id>/demographics/", views.my_demographics, name="my_demographics"),
    path("applications/team/<str:token>/", views.confirm_team_member, name="confirm_team_member"),
    # Reviewers.
    path("review/", views.review_queue, name="review_queue"),
    path("review/calls/<int:call_id>/next/", views.review_next, name="review_next"),
    path("review/applications/<int:application_id>/", views.review_application, name="review_application"),
    path("review/applications/<int:application_id>/conflict/", views.declare_conflict, name="declare_conflict"),
    # Staff.
    path("selection/", views.calls, name="calls"),
    path("selection/demographics-access/", views.access_log, name="access_log"),
    path("selection/calls/<int:call_id>/", views.pool, name="pool"),
    path("selection/calls/<int:call_id>/applications/", views.staff_applications, name="staff_applications"),
    path("selection/calls/<int:call_id>/runs/new/", views.start_run, name="start_run"),
    path("selection/calls/<int:call_id>/letters/", views.release_letters, name="release_letters"),
    path("selection/applications/<int:application_id>/", views.staff_application, name="staff_application"),
    path("selection/applications/<int:application_id>/fixed/", views.set_fixed, name="set_fixed"),
    path("selection/applications/<int:application_id>/accommodation/", views.accommodation_status,
         name="accommodation_status"),
    path("selection/runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("selection/runs/<int:run_id>/status/", views.run_status, name="run_status"),
    path("selection/runs/<int:run_id>/report.csv", views.run_csv, name="run_csv"),
    path("selection/runs/<int:run_id>/confirm/", views.confirm_run, name="confirm_run"),
    path("selection/runs/<int:run_id>/relax/", views.apply_relaxation, name="apply_relaxation"),
]
