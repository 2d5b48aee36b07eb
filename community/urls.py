from django.urls import path

from . import views

app_name = "community"

# Mounted under /<organizer_slug>/community/ by config/urls.py.
urlpatterns = [
    path("", views.index, name="index"),
    path("s/<int:space_id>/", views.space_page, name="space"),
    path("s/<int:space_id>/new/", views.new_thread, name="new_thread"),
    path("s/<int:space_id>/join/", views.join, name="join"),
    path("s/<int:space_id>/leave/", views.leave, name="leave"),
    path("s/<int:space_id>/settings/", views.member_settings, name="settings"),
    path("s/<int:space_id>/directory/", views.member_directory, name="directory"),
    path("s/<int:space_id>/reports/", views.reports, name="reports"),
    path("s/<int:space_id>/summary/", views.session_summary, name="summary"),
    path("t/<int:thread_id>/", views.thread_page, name="thread"),
    path("t/<int:thread_id>/reply/", views.reply, name="reply"),
    path("t/<int:thread_id>/moderate/", views.moderate_thread, name="moderate"),
    path("p/<int:post_id>/edit/", views.edit_post, name="edit_post"),
    path("p/<int:post_id>/delete/", views.delete_post, name="delete_post"),
    path("p/<int:post_id>/report/", views.report_post, name="report_post"),
    path("p/<int:post_id>/hide/", views.hide_post, name="hide_post"),
    path("p/<int:post_id>/attachment/", views.attachment, name="attachment"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
