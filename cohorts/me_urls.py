from django.urls import path

from . import views

app_name = "me"

# A participant's own pages across organizers, under /me/.
urlpatterns = [
    path("programs/", views.my_programs, name="programs"),
    path("enrollments/<int:enrollment_id>/", views.enrollment_detail, name="enrollment"),
    path("enrollments/<int:enrollment_id>/cancel/", views.cancel, name="cancel"),
    path("enrollments/<int:enrollment_id>/offer/", views.offer, name="offer"),
    path("enrollments/<int:enrollment_id>/modules/", views.module_delegates, name="delegates"),
    path("enrollments/<int:enrollment_id>/team/<int:invitation_id>/resend/", views.resend_invitation,
         name="resend_invitation"),
]
