"""The program page tells a signed-in person where they stand instead of offering "Register" again."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from cohorts import lifecycle
from cohorts.models import Cohort, Enrollment
from tests.factories import CohortFactory, ProgramFactory, UserFactory


def program_url(program):
    return reverse("cohorts:program_detail", kwargs={"organizer_slug": program.organizer.slug,
                                                     "program_slug": program.slug})


def register_url(cohort):
    return reverse("cohorts:register", kwargs={"organizer_slug": cohort.organizer.slug,
                                               "program_slug": cohort.program.slug, "cohort_slug": cohort.slug})


def test_after_registering_the_program_page_shows_my_registration_not_register(organizer, client_for):
    cohort = CohortFactory(program=ProgramFactory(organizer=organizer), capacity=5)
    person = UserFactory(full_name="Ana Ruiz")
    client = client_for(person)
    assert f'href="{register_url(cohort)}"' in client.get(program_url(cohort.program)).content.decode()

    response = client.post(register_url(cohort), {"full_name": "Ana Ruiz", "organization_name": "Good Org",
                                                  "title": "Director"})
    assert response.status_code == 302
    with scope(organizer=organizer):
        enrollment = Enrollment.objects.get(person=person)

    page = client.get(program_url(cohort.program)).content.decode()
    assert f'href="{register_url(cohort)}"' not in page
    assert "You are registered." in page
    assert reverse("me:enrollment", kwargs={"enrollment_id": enrollment.pk}) in page
    # Someone else still sees the button.
    assert f'href="{register_url(cohort)}"' in client_for(UserFactory()).get(program_url(cohort.program)).content.decode()


def test_a_waitlisted_person_sees_their_place_in_line_and_an_offer_says_so(organizer, client_for):
    cohort = CohortFactory(program=ProgramFactory(organizer=organizer), capacity=1, offer_hours=48)
    seated, first, second = UserFactory(), UserFactory(), UserFactory()
    with scope(organizer=organizer):
        held = lifecycle.register(cohort=cohort, person=seated)
        lifecycle.register(cohort=cohort, person=first)
        mine = lifecycle.register(cohort=cohort, person=second)
    assert mine.status == Enrollment.Status.WAITLISTED
    page = client_for(second).get(program_url(cohort.program)).content.decode()
    assert "You are on the waitlist, number 2 in line." in page
    assert "Join the waitlist" not in page
    assert "number 1 in line" in client_for(first).get(program_url(cohort.program)).content.decode()

    with scope(organizer=organizer):
        lifecycle.cancel(enrollment=held, by=seated)
    page = client_for(first).get(program_url(cohort.program)).content.decode()
    with scope(organizer=organizer):
        offered = Enrollment.objects.get(person=first, cohort=cohort)
    assert offered.status == Enrollment.Status.OFFERED
    assert "You have been offered a seat" in page
    assert reverse("me:offer", kwargs={"enrollment_id": offered.pk}) in page
    # After cancelling, the page offers the way in again.
    assert "You are registered" not in client_for(seated).get(program_url(cohort.program)).content.decode()


def test_an_applicant_sees_their_application_instead_of_apply(organizer, client_for):
    from tests.applications.factories import ApplicationFactory, CallFactory

    cohort = CohortFactory(program=ProgramFactory(organizer=organizer),
                           enrollment_mode=Cohort.EnrollmentMode.APPLICATION)
    call = CallFactory(cohort=cohort, deadline=timezone.now() + dt.timedelta(days=10))
    applicant = UserFactory()
    application = ApplicationFactory(call=call, applicant=applicant)
    apply = reverse("applications:apply", kwargs={"organizer_slug": organizer.slug, "call_id": call.pk})
    assert f'href="{apply}"' in client_for(UserFactory()).get(program_url(cohort.program)).content.decode()

    page = client_for(applicant).get(program_url(cohort.program)).content.decode()
    assert f'href="{apply}"' not in page
    assert "You applied. Your application: submitted." in page
    assert reverse("applications:application_status",
                   kwargs={"organizer_slug": organizer.slug, "application_id": application.pk}) in page
