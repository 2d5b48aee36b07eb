"""The nav offers "Schedule" only where the page would open."""

import pytest

from organizers.roles import Role
from tests.factories import EnrollmentFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def _nav_has_schedule(client, organizer) -> bool:
    return f'href="/{organizer.slug}/schedule/"' in client.get(f"/{organizer.slug}/").content.decode()


def test_schedule_link_only_for_people_tied_to_the_organizer(organizer, other_organizer, client_for):
    outsider = member(other_organizer, Role.STAFF)
    enrolled = EnrollmentFactory(cohort__program__organizer=organizer).person
    assert not _nav_has_schedule(client_for(None), organizer)
    assert not _nav_has_schedule(client_for(UserFactory()), organizer)
    assert not _nav_has_schedule(client_for(outsider), organizer)
    assert client_for(outsider).get(f"/{organizer.slug}/schedule/").status_code == 404
    for person in (enrolled, member(organizer, Role.FACILITATOR)):
        client = client_for(person)
        assert _nav_has_schedule(client, organizer)
        assert client.get(f"/{organizer.slug}/schedule/").status_code == 200
