from django.urls import path

from .views import assistance, feeds, groups, office_hours, reminders, sessions

app_name = "sessions_app"

# Mounted under /<organizer_slug>/ by config/urls.py.
urlpatterns = [
    path("schedule/", sessions.schedule, name="schedule"),
    path("schedule/feed/", feeds.feed_create, name="feed_create"),
    path("schedule/feed/revoke/", feeds.feed_revoke, name="feed_revoke"),
    path("schedule/cohorts/<int:cohort_id>/attendance/", sessions.attendance_report, name="attendance_report"),
    path("sessions/<int:session_id>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/calendar.ics", sessions.session_ics, name="session_ics"),
    path("sessions/<int:session_id>/roster/", sessions.roster, name="roster"),
    path("sessions/<int:session_id>/roster/all-present/", sessions.roster_all_present, name="roster_all_present"),
    path("sessions/<int:session_id>/notes/", sessions.session_notes, name="session_notes"),
    path("sessions/<int:session_id>/follow-ups/", sessions.follow_up_add, name="follow_up_add"),
    path("sessions/<int:session_id>/follow-ups/<int:action_id>/done/", sessions.follow_up_done, name="follow_up_done"),
    path("sessions/<int:session_id>/feedback/", sessions.session_feedback, name="session_feedback"),
    path("sessions/<int:session_id>/assistance/", assistance.assistance_new, name="assistance_new"),
    path("assistance/", assistance.assistance_list, name="assistance_list"),
    path("assistance/<int:request_id>/", assistance.assistance_detail, name="assistance_detail"),
    path("assistance/<int:request_id>/appointment/", assistance.assistance_appointment, name="assistance_appointment"),
    path("assistance/<int:request_id>/appointment/cancel/", assistance.assistance_appointment_cancel,
         name="assistance_appointment_cancel"),
    path("assistance/<int:request_id>/appointment.ics", assistance.assistance_appointment_ics,
         name="assistance_appointment_ics"),
    path("office-hours/", office_hours.office_hours, name="office_hours"),
    path("office-hours/slots/<int:slot_id>/book/", office_hours.book_slot, name="book_slot"),
    path("office-hours/bookings/<int:booking_id>/cancel/", office_hours.cancel_booking, name="cancel_booking"),
    path("office-hours/bookings/<int:booking_id>/rebook/", office_hours.rebook_booking, name="rebook_booking"),
    path("groups/", groups.groups, name="groups"),
    path("groups/<int:group_id>/", groups.group_detail, name="group_detail"),
    path("groups/<int:group_id>/join/", groups.group_join, name="group_join"),
    path("groups/<int:group_id>/leave/", groups.group_leave, name="group_leave"),
    path("check-ins/<int:round_id>/", reminders.checkin, name="checkin"),
    path("check-ins/<int:round_id>/responses/", reminders.checkin_responses, name="checkin_responses"),
    path("messages/optional/<str:token>/", reminders.unsubscribe, name="unsubscribe"),
]
