"""Who may open which space: computed from enrollments, affinity memberships, grants and
invitations. A non-member gets 404 on every space URL."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from cohorts.models import Enrollment
from community import selectors, services
from tests.foundation.test_isolation import PATTERNS, WITH_ARGUMENTS

from .conftest import EXPECTED, MODERATES
from .factories import access, cancel, participant, start

pytestmark = pytest.mark.django_db

COMMUNITY_URLS = sorted(name for name in PATTERNS if name.startswith("community:") and name not in (
    "community:index", "community:unsubscribe", "community:join"))


def test_each_person_opens_exactly_the_spaces_the_rule_gives(world):
    for who, person in world.people.items():
        with scope(organizer=world.organizer.id):
            visible = {name for name, space in world.spaces.items() if access(space, person) is not None}
            moderates = {name for name, space in world.spaces.items()
                         if (a := access(space, person)) is not None and a.can_moderate}
        assert visible == EXPECTED[who], who
        assert moderates == MODERATES.get(who, set()), who


def test_the_person_side_rule_agrees_with_the_space_side_rule(world):
    """member_ids/moderator_ids (notifications, mentions, directory) name the same people the pages let in."""
    for name, space in world.spaces.items():
        listed = selectors.member_ids(space) | selectors.moderator_ids(space)
        expected = {world.people[who].id for who, spaces in EXPECTED.items() if name in spaces and who != "staff"}
        assert listed == expected, name


def test_the_index_lists_only_my_spaces_and_what_i_may_join(world, client_for):
    page = client_for(world.people["alumnus (not joined)"]).get(
        reverse("community:index", kwargs={"organizer_slug": world.organizer.slug}))
    html = page.content.decode()
    assert "Cohort space" in html and "Join Community of practice" in html
    assert "Caucus space" not in html and "Other community" not in html


def test_affinity_group_space_is_invisible_to_other_members_of_the_cohort(world, client_for):
    space = world.spaces["group"]
    thread = start(space, world.people["caucus member"], title="Safe-space check-in")
    client = client_for(world.people["participant"])
    index = client.get(reverse("community:index", kwargs={"organizer_slug": world.organizer.slug}))
    assert "Caucus space" not in index.content.decode()
    assert client.get(reverse("community:space", kwargs={"organizer_slug": world.organizer.slug, "space_id": space.pk})).status_code == 404
    assert client.get(reverse("community:thread", kwargs={"organizer_slug": world.organizer.slug, "thread_id": thread.pk})).status_code == 404
    search = client.get(reverse("community:space", kwargs={"organizer_slug": world.organizer.slug,
                                                           "space_id": world.spaces["cohort"].pk}), {"q": "Safe-space"})
    assert "Safe-space check-in" not in search.content.decode()


def _every_url(world, space_name, author):
    space = world.spaces[space_name]
    thread = start(space, author)
    post = services.reply(thread=thread, access=access(space, author), author=author, body="A reply.")
    slug = world.organizer.slug
    kwargs = {"space_id": space.pk, "thread_id": thread.pk, "post_id": post.pk}
    return [reverse(name, kwargs={"organizer_slug": slug, **{k: kwargs[k] for k in WITH_ARGUMENTS[name] if k in kwargs}})
            for name in COMMUNITY_URLS]


@pytest.mark.parametrize("who,space_name,author", [
    ("cancelled participant", "cohort", "participant"),
    ("alumnus of another program", "program", "alumnus (joined)"),
    ("participant", "group", "caucus member"),
    ("waitlisted person", "cohort", "participant"),
    ("alumnus (not joined)", "program", "alumnus (joined)"),
])
def test_a_non_member_gets_404_on_every_space_url(world, client_for, who, space_name, author):
    with scope(organizer=world.organizer.id):
        urls = _every_url(world, space_name, world.people[author])
    client = client_for(world.people[who])
    failures = [f"{method.upper()} {url}: {status}" for url in urls for method in ("get", "post")
                if (status := getattr(client, method)(url).status_code) not in (404, 405)]
    assert not failures, f"{who} reached {space_name} space pages:\n" + "\n".join(failures)


def test_cancelling_leaves_the_cohort_space_and_completing_keeps_the_community(world, client_for):
    """No sync code: the enrollment's status is the membership."""
    cohort_space, community = world.spaces["cohort"], world.spaces["program"]
    person = participant(cohort_space.cohort)
    services.join(space=community, person=person)
    assert access(cohort_space, person) is not None and access(community, person) is not None
    with scopes_disabled():
        enrollment = Enrollment.objects.get(person=person)
    cancel(enrollment)
    assert access(cohort_space, person) is None and access(community, person) is None
    assert person.id not in selectors.member_ids(cohort_space)

    alumnus = world.people["alumnus (joined)"]  # completed: keeps both
    assert access(cohort_space, alumnus) is not None and access(community, alumnus) is not None


def test_joining_needs_a_cohort_of_the_program(world, client_for):
    community = world.spaces["program"]
    url = reverse("community:join", kwargs={"organizer_slug": world.organizer.slug, "space_id": community.pk})
    assert client_for(world.people["alumnus of another program"]).post(url).status_code == 404
    assert client_for(world.people["cancelled participant"]).post(url).status_code == 404
    alumnus = world.people["alumnus (not joined)"]
    response = client_for(alumnus).post(url)
    assert response.status_code == 302 and access(community, alumnus) is not None


def test_leaving_a_community_of_practice(world, client_for):
    community, cohort_space = world.spaces["program"], world.spaces["cohort"]
    alumnus = world.people["alumnus (joined)"]
    client = client_for(alumnus)
    slug = world.organizer.slug
    assert client.post(reverse("community:leave", kwargs={"organizer_slug": slug, "space_id": cohort_space.pk})).status_code == 404
    assert client.post(reverse("community:leave", kwargs={"organizer_slug": slug, "space_id": community.pk})).status_code == 302
    assert access(community, alumnus) is None and access(cohort_space, alumnus) is not None
