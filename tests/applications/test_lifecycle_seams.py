"""The seams between applications and the enrollment lifecycle (issue 10's reproduced lost seat)."""

from django.core import mail
from django.urls import reverse
from django_scopes import scopes_disabled

from applications.models import Application, Offer, SelectionRun
from cohorts.models import Enrollment, EnrollmentEvent

from . import scenario
from .test_selection import offered_to, start, status


def test_an_accepted_applicant_who_cancels_is_withdrawn_and_the_seat_is_offered_again(
    organizer, client_for, django_capture_on_commit_callbacks
):
    s = scenario.build(organizer)
    staff = client_for(s.staff)
    run, _ = start(staff, s, django_capture_on_commit_callbacks, seed="7")
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(s.url("confirm_run", run_id=run.pk))
    p = s.people
    one = p["Indigenous One"]
    with scopes_disabled():
        offer = Offer.objects.get(application=one)
        # One offer concept: the application's offer is an offered enrollment holding the seat.
        assert offer.enrollment.status == "offered" and offer.enrollment.offer_expires_at == offer.expires_at
        assert Enrollment.objects.filter(cohort=s.call.cohort, status="offered").count() == 4

    # She accepts on her enrollment's offer page (the same step as the application page's button).
    client = client_for(one.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("me:offer", args=[offer.enrollment_id]), {"action": "accept"})
    assert response.status_code == 302
    assert status(one) == "accepted"
    with scopes_disabled():
        assert Offer.objects.get(pk=offer.pk).status == "accepted"

    # Then cancels at /me/enrollments/<id>/cancel/.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("me:cancel", args=[offer.enrollment_id]))
    assert response.status_code == 302
    with scopes_disabled():
        enrollment = Enrollment.objects.get(pk=offer.enrollment_id)
        assert enrollment.status == "cancelled"
        # The application follows the enrollment: withdrawn, not "accepted".
        assert Application.objects.get(pk=one.pk).status == Application.Status.WITHDRAWN
        # The call's quota-keeping replacement ran and offered the seat to the next Indigenous applicant.
        replacement = SelectionRun.objects.get(kind="replacement")
        assert replacement.status == "confirmed"
        assert Enrollment.objects.filter(cohort=s.call.cohort, status__in=Enrollment.SEAT_HOLDING).count() == 4
        reasons = list(EnrollmentEvent.objects.filter(enrollment=enrollment).values_list("to_status", "reason"))
    assert reasons[-1] == ("cancelled", "cancelled by the participant")
    assert status(p["Indigenous Three"]) == "offered"
    assert offered_to() == [p["Indigenous Three"].applicant.email]
    cancelled = [m for m in mail.outbox if m.to == [one.applicant.email]]
    assert len(cancelled) == 1 and "is cancelled" in cancelled[0].subject
    # Her application page says so.
    page = client.get(s.url("application_status", application_id=one.pk)).content.decode()
    assert "Withdrawn" in page


def test_an_expired_application_offer_frees_its_seat_through_the_one_expiry_task(
    organizer, client_for, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    from cohorts import tasks

    s = scenario.build(organizer)
    staff = client_for(s.staff)
    run, _ = start(staff, s, django_capture_on_commit_callbacks, seed="7")
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(s.url("confirm_run", run_id=run.pk))
    two = s.people["Indigenous Two"]
    with scopes_disabled():
        offer = Offer.objects.get(application=two)
        Enrollment.objects.filter(pk=offer.enrollment_id).update(offer_expires_at=timezone.now() - dt.timedelta(1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.expire_offers() == 1
    assert status(two) == "expired"
    assert status(s.people["Indigenous Three"]) == "offered"
    assert any(m.to == [two.applicant.email] and "not accepted in time" in m.body for m in mail.outbox)
