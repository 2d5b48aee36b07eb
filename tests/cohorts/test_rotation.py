"""Seed 004: one participant per organization, who names a colleague for each module (rotation)."""

import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scopes_disabled

from cohorts.models import Affiliation, ModuleDelegate
from tests.factories import AffiliationFactory, CohortFactory, EnrollmentFactory, ModuleFactory, OrganizationFactory, UserFactory


@pytest.fixture
def trajectory(organizer):
    cohort = CohortFactory(program__organizer=organizer, per_organization_limit=1, rotation_allowed=True,
                           commitment="1 day per module")
    modules = [ModuleFactory(program=cohort.program, title=title, period=period, order=n)
               for n, (period, title) in enumerate([("October", "Leveraging DEI"), ("November", "Racial Justice")])]
    organization = OrganizationFactory(organizer=organizer, name="Cordaid")
    enrollment = EnrollmentFactory(cohort=cohort, organization=organization)
    return cohort, modules, enrollment


def test_participant_names_a_colleague_for_one_module(trajectory, client_for, django_capture_on_commit_callbacks):
    cohort, (october, november), enrollment = trajectory
    colleague = UserFactory(email="colleague@cordaid.example")
    AffiliationFactory(person=colleague, organization=enrollment.organization)
    client = client_for(enrollment.person)
    url = reverse("me:delegates", args=[enrollment.pk])
    page = client.get(url).content.decode()
    assert "October — Leveraging DEI" in page and "November — Racial Justice" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {f"module_{october.pk}": "", f"module_{november.pk}": "colleague@cordaid.example"})
    assert response.status_code == 302
    with scopes_disabled():
        rows = {(d.module_id, d.person_id, d.organization_id) for d in ModuleDelegate.objects.filter(cohort=cohort)}
        assert Affiliation.objects.filter(person=colleague, organization=enrollment.organization).exists()
    assert rows == {(october.pk, enrollment.person_id, enrollment.organization_id),
                    (november.pk, colleague.pk, enrollment.organization_id)}
    assert [m.to for m in mail.outbox if "You attend Racial Justice for Cordaid" in m.subject] == [[colleague.email]]

    # Naming someone else for November replaces the colleague: one seat per organization per module.
    other = UserFactory(email="other@cordaid.example")
    AffiliationFactory(person=other, organization=enrollment.organization)
    client.post(url, {f"module_{october.pk}": "", f"module_{november.pk}": other.email})
    with scopes_disabled():
        assert list(ModuleDelegate.objects.filter(cohort=cohort, module=november).values_list("person_id", flat=True)) == [other.pk]


def test_unknown_email_is_refused_with_a_message(trajectory, client_for):
    cohort, (october, november), enrollment = trajectory
    response = client_for(enrollment.person).post(
        reverse("me:delegates", args=[enrollment.pk]), {f"module_{november.pk}": "nobody@cordaid.example"}
    )
    assert response.status_code == 200
    assert "nobody@cordaid.example is not a current colleague at Cordaid" in response.content.decode()
    with scopes_disabled():
        assert not ModuleDelegate.objects.filter(cohort=cohort, module=november).exists()


def test_a_delegate_must_be_affiliated_with_the_registering_organization(trajectory, organizer, client_for):
    cohort, (october, november), enrollment = trajectory
    outsider = UserFactory(email="someone@oxfam.example")
    AffiliationFactory(person=outsider, organization=OrganizationFactory(organizer=organizer, name="Oxfam"))
    url = reverse("me:delegates", args=[enrollment.pk])
    answers = [client_for(enrollment.person).post(url, {f"module_{november.pk}": email}).content.decode()
               for email in (outsider.email, "nobody@oxfam.example")]
    # Refused with the same words whether or not the address has an account.
    assert "someone@oxfam.example is not a current colleague at Cordaid" in answers[0]
    assert "nobody@oxfam.example is not a current colleague at Cordaid" in answers[1]
    assert answers[0].replace("someone@", "nobody@").count("not a current colleague") == \
        answers[1].count("not a current colleague")
    with scopes_disabled():
        assert not ModuleDelegate.objects.filter(cohort=cohort, module=november).exists()
        assert not Affiliation.objects.filter(person=outsider, organization=enrollment.organization).exists()


def test_someone_attending_for_another_organization_is_refused(trajectory, organizer, client_for):
    cohort, (october, november), enrollment = trajectory
    rival = EnrollmentFactory(cohort=cohort, organization=OrganizationFactory(organizer=organizer, name="Oxfam"))
    client_for(rival.person).post(reverse("me:delegates", args=[rival.pk]), {})
    response = client_for(enrollment.person).post(
        reverse("me:delegates", args=[enrollment.pk]), {f"module_{october.pk}": rival.person.email}
    )
    assert "already attends this module for another organization" in response.content.decode()


def test_cohorts_without_rotation_have_no_module_page(organizer, client_for):
    enrollment = EnrollmentFactory(cohort=CohortFactory(program__organizer=organizer),
                                   organization=OrganizationFactory(organizer=organizer))
    assert client_for(enrollment.person).get(reverse("me:delegates", args=[enrollment.pk])).status_code == 404
