import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope
from django_scopes.exceptions import ScopeError

from cohorts.models import Program
from organizers.models import Membership, Organizer
from organizers.roles import Capability, Role
from organizers.selectors import access_of
from organizers.templatetags.praxis import render_markdown
from tests.factories import MembershipFactory, OrganizerFactory, ProgramFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def test_a_tenant_query_outside_an_organizer_scope_raises_instead_of_leaking(organizer):
    ProgramFactory(organizer=organizer)
    with pytest.raises(ScopeError):
        list(Program.objects.all())
    with pytest.raises(ScopeError):
        Membership.objects.count()


def test_inside_a_scope_only_that_organizers_rows_are_seen(organizer, other_organizer):
    mine = ProgramFactory(organizer=organizer)
    ProgramFactory(organizer=other_organizer)
    with scope(organizer=organizer.id):
        assert list(Program.objects.all()) == [mine]


def test_unknown_organizer_slug_is_404(client):
    assert client.get("/no-such-organizer/").status_code == 404


def test_unpublished_organizer_is_hidden_from_outsiders_but_not_members(client_for):
    hidden = OrganizerFactory(slug="hidden", name="Hidden Org", is_published=False)
    assert client_for(None).get("/hidden/").status_code == 404
    assert client_for(member(OrganizerFactory(slug="else"))).get("/hidden/").status_code == 404
    response = client_for(member(hidden, Role.FACILITATOR)).get("/hidden/")
    assert response.status_code == 200
    assert b"Hidden Org" in response.content


def test_reserved_slugs_are_refused():
    organizer = Organizer(slug="admin", name="Sneaky", time_zone="UTC")
    with pytest.raises(ValidationError) as info:
        organizer.full_clean()
    assert "reserved" in str(info.value)


@pytest.mark.parametrize(
    "role, can, cannot",
    [
        (Role.ADMIN, {Capability.MANAGE_ORGANIZER, Capability.MANAGE_PROGRAMS}, {Capability.VIEW_DEMOGRAPHICS}),
        (Role.STAFF, {Capability.MANAGE_PROGRAMS, Capability.USE_ADMIN}, {Capability.MANAGE_ORGANIZER}),
        (Role.FACILITATOR, {Capability.FACILITATE}, {Capability.MANAGE_PROGRAMS, Capability.USE_ADMIN}),
        (Role.REVIEWER, {Capability.REVIEW_APPLICATIONS}, {Capability.FACILITATE, Capability.VIEW_DEMOGRAPHICS}),
    ],
)
def test_what_each_role_may_do(organizer, role, can, cannot):
    access = access_of(member(organizer, role), organizer)
    assert all(access.can(c) for c in can)
    assert not any(access.can(c) for c in cannot)


def test_demographics_need_the_dedicated_grant_even_for_admins(organizer):
    plain = member(organizer, Role.ADMIN)
    granted = MembershipFactory(organizer=organizer, role=Role.STAFF, can_view_demographics=True).user
    assert not access_of(plain, organizer).can(Capability.VIEW_DEMOGRAPHICS)
    assert access_of(granted, organizer).can(Capability.VIEW_DEMOGRAPHICS)


def test_roles_at_one_organizer_give_nothing_at_another(organizer, other_organizer):
    user = member(organizer, Role.ADMIN)
    access = access_of(user, other_organizer)
    assert not access.is_member and not access.capabilities


def test_access_is_computed_once_per_request(organizer, client_for, django_assert_max_num_queries):
    user = member(organizer, Role.STAFF)
    client = client_for(user)
    client.get(f"/{organizer.slug}/")  # warm the session
    # session + user + organizer + memberships: no query per capability check or template use.
    with django_assert_max_num_queries(5):
        assert client.get(f"/{organizer.slug}/").status_code == 200


def test_markdown_is_rendered_and_sanitized():
    html = render_markdown("**bold** <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html and "javascript:" not in html


def test_landing_shows_the_organizers_contact(client, organizer):
    organizer.contact_email = "hello@il-test.example"
    organizer.about = "We run **trainings**."
    organizer.save()
    html = client.get(f"/{organizer.slug}/").content.decode()
    assert "hello@il-test.example" in html and "<strong>trainings</strong>" in html
    assert html.count("<h1") == 1


def test_nav_lists_the_viewers_organizers_and_marks_the_current_one(client_for, organizer, other_organizer):
    user = UserFactory()
    MembershipFactory(user=user, organizer=organizer, role=Role.STAFF)
    MembershipFactory(user=user, organizer=other_organizer, role=Role.REVIEWER)
    html = client_for(user).get(f"/{organizer.slug}/").content.decode()
    assert "Other Organizer" in html and 'aria-current="true"' in html
    assert "Current organizer: Illinois Test Partners" in html
