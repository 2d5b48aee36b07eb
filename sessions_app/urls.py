from django.urls import path

from . import views

app_name = "sessions_app"

# Mounted under /<organizer_slug>/ by config/urls.py.
urlpatterns = [
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/feed/", views.feed_create, name="feed_create"),
    path("schedule/feed/revoke/", views.feed_revoke, name="feed_revoke"),
    path("schedule/cohorts/<int:cohort_id>/attendance/", views.attendance_report, name="attendance_report"),
    path("sessions/<int:session_id>/", views.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/calendar.ics", views.session_ics, name="session_ics"),
    path("sessions/<int:session_id>/roster/", views.roster, name="roster"),
    path("sessions/<int:session_id>/roster/all-present/", views.roster_all_present, name="roster_all_present"),
    path("sessions/<int:session_id>/notes/", views.session_notes, name="session_notes"),
    path("sessions/<int:session_id>/follow-ups/", views.follow_up_add, name="follow_up_add"),
    path("sessions/<int:session_id>/follow-ups/<int:action_id>/done/", views.follow_up_done, name="follow_up_done"),
    path("sessions/<int:session_id>/feedback/", views.session_feedback, name="session_feedback"),
    path("sessions/<int:session_id>/assistance/", views.assistance_new, name="assistance_new"),
    path("assistance/", views.assistance_list, name="assistance_list"),
    path("assistance/<int:request_id>/", views.assistance_detail, name="assistance_detail"),
    path("office-hours/", views.office_hours, name="office_hours"),
    path("office-hours/slots/<int:slot_id>/book/", views.book_slot, name="book_slot"),
    path("office-hours/bookings/<int:booking_id>/cancel/", views.cancel_booking, name="cancel_booking"),
    path("office-hours/bookings/<int:booking_id>/rebook/", views.rebook_booking, name="rebook_booking"),
    path("groups/", views.groups, name="groups"),
    path("groups/<int:group_id>/", views.group_detail, name="group_detail"),
    path("groups/<int:group_id>/join/", views.group_join, name="group_join"),
    path("groups/<int:group_id>/leave/", views.group_leave, name="group_leave"),
    path("check-ins/<int:round_id>/", views.checkin, name="checkin"),
    path("check-ins/<int:round_id>/responses/", views.checkin_responses, name="checkin_responses"),
    path("messages/optional/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
