"""Participants propose resources, staff review them, proposers follow the status;
bookmarks and view/download counts (staff-only)."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from cohorts.models import Enrollment
from library.models import Resource
from notifications.models import OutboundMessage
from tests.factories import EnrollmentFactory, UserFactory
from tests.library.factories import ResourceFactory


def url(organizer, name, **kwargs):
    return reverse(f"library:{name}", kwargs={"organizer_slug": organizer.slug, **kwargs})


@pytest.fixture
def participant(organizer):
    return EnrollmentFactory(cohort__program__organizer=organizer).person


@pytest.fixture
def classmate(organizer):
    return EnrollmentFactory(cohort__program__organizer=organizer).person


LINK = {"title": "Racial equity glossary", "kind": "link", "language": "en", "url": "https://example.org/glossary",
        "summary": "Shared language for our sector.", "body": "", "author": "Racial Equity Tools"}


def test_proposal_review_and_status(organizer, participant, classmate, staff_user, client_for):
    proposer = client_for(participant)
    response = proposer.post(url(organizer, "propose"), LINK, follow=True)
    assert response.redirect_chain == [(url(organizer, "my_library"), 302)]
    assert "Staff will review your proposal" in response.content.decode()
    with scopes_disabled():
        resource = Resource.objects.get(organizer=organizer)
    assert resource.status == Resource.Status.PROPOSED and resource.contributor == participant

    mine = proposer.get(url(organizer, "my_library")).content.decode()
    assert "Racial equity glossary" in mine and "Proposed, awaiting review" in mine
    # Not in the library for anyone else until staff approve it.
    assert "Racial equity glossary" not in client_for(classmate).get(url(organizer, "index")).content.decode()
    assert client_for(classmate).get(url(organizer, "resource_detail", resource_id=resource.pk)).status_code == 404

    staff = client_for(staff_user)
    queue = staff.get(url(organizer, "review_queue")).content.decode()
    assert "Racial equity glossary" in queue and participant.display_name in queue
    response = staff.post(url(organizer, "review_decide", resource_id=resource.pk), {"decision": "approve"}, follow=True)
    assert "“Racial equity glossary” approved and published." in response.content.decode()
    assert "Racial equity glossary" not in staff.get(url(organizer, "review_queue")).content.decode()

    assert "Racial equity glossary" in client_for(classmate).get(url(organizer, "index")).content.decode()
    assert "Published" in proposer.get(url(organizer, "my_library")).content.decode()
    with scopes_disabled():
        message = OutboundMessage.objects.get(dedupe_key=f"library:proposal={resource.pk}:published")
    assert message.recipient == participant


def test_rejection_shows_the_note_to_the_proposer(organizer, participant, staff_user, client_for):
    client_for(participant).post(url(organizer, "propose"), LINK)
    with scopes_disabled():
        resource = Resource.objects.get(organizer=organizer)
    client_for(staff_user).post(
        url(organizer, "review_decide", resource_id=resource.pk),
        {"decision": "reject", "note": "We already list this glossary."},
    )
    page = client_for(participant).get(url(organizer, "my_library")).content.decode()
    assert "Not accepted" in page and "We already list this glossary." in page
    with scopes_disabled():
        assert Resource.objects.get(pk=resource.pk).status == Resource.Status.REJECTED


def test_a_decided_proposal_cannot_be_decided_again(organizer, participant, staff_user, client_for):
    client_for(participant).post(url(organizer, "propose"), LINK)
    with scopes_disabled():
        resource = Resource.objects.get(organizer=organizer)
    staff = client_for(staff_user)
    staff.post(url(organizer, "review_decide", resource_id=resource.pk), {"decision": "reject"})
    assert staff.post(url(organizer, "review_decide", resource_id=resource.pk), {"decision": "approve"}).status_code == 404
    with scopes_disabled():
        assert Resource.objects.get(pk=resource.pk).status == Resource.Status.REJECTED


def test_bad_decision_changes_nothing(organizer, participant, staff_user, client_for):
    client_for(participant).post(url(organizer, "propose"), LINK)
    with scopes_disabled():
        resource = Resource.objects.get(organizer=organizer)
    response = client_for(staff_user).post(url(organizer, "review_decide", resource_id=resource.pk), {"decision": "publish!"}, follow=True)
    assert "Choose approve or reject." in response.content.decode()
    with scopes_disabled():
        assert Resource.objects.get(pk=resource.pk).status == Resource.Status.PROPOSED


def test_proposal_needs_a_file_or_a_link(organizer, participant, client_for):
    response = client_for(participant).post(url(organizer, "propose"), {**LINK, "url": ""})
    assert response.status_code == 400
    assert "Upload a file or give a link." in response.content.decode()
    with scopes_disabled():
        assert not Resource.objects.filter(organizer=organizer).exists()


@pytest.mark.parametrize("status", [Enrollment.Status.WAITLISTED, Enrollment.Status.CANCELLED, None])
def test_only_participants_may_propose(organizer, client_for, status):
    person = EnrollmentFactory(cohort__program__organizer=organizer, status=status).person if status else UserFactory()
    client = client_for(person)
    assert client.get(url(organizer, "propose")).status_code == 404
    assert client.post(url(organizer, "propose"), LINK).status_code == 404
    assert "Propose a resource" not in client.get(url(organizer, "index")).content.decode()
    with scopes_disabled():
        assert not Resource.objects.filter(organizer=organizer).exists()


def test_review_queue_is_for_staff_only(organizer, participant, client_for):
    assert client_for(participant).get(url(organizer, "review_queue")).status_code == 404


def test_admin_bulk_actions(organizer, staff_user, participant, client_for):
    proposals = [ResourceFactory(organizer=organizer, status=Resource.Status.PROPOSED, contributor=participant) for _ in range(3)]
    changelist = reverse("admin:library_resource_changelist")
    staff = client_for(staff_user)

    def act(action, resources):
        return staff.post(changelist, {"action": action, "_selected_action": [r.pk for r in resources]}, follow=True)

    assert "2 proposal(s) approved." in act("approve", proposals[:2]).content.decode()
    assert "1 proposal(s) rejected." in act("reject", proposals).content.decode()
    act("audience_staff", proposals[:1])
    act("audience_public", proposals[1:2])
    with scopes_disabled():
        got = {r.pk: (r.status, r.audience) for r in Resource.objects.filter(organizer=organizer)}
    assert got == {
        proposals[0].pk: (Resource.Status.PUBLISHED, Resource.Audience.STAFF),
        proposals[1].pk: (Resource.Status.PUBLISHED, Resource.Audience.PUBLIC),
        proposals[2].pk: (Resource.Status.REJECTED, Resource.Audience.PUBLIC),
    }


def test_admin_bulk_action_cannot_touch_another_organizers_rows(organizer, other_organizer, staff_user, client_for):
    theirs = ResourceFactory(organizer=other_organizer, status=Resource.Status.PROPOSED)
    client_for(staff_user).post(
        reverse("admin:library_resource_changelist"), {"action": "approve", "_selected_action": [theirs.pk]}
    )
    with scopes_disabled():
        assert Resource.objects.get(pk=theirs.pk).status == Resource.Status.PROPOSED


def test_counts_go_up_and_only_staff_see_them(organizer, participant, staff_user, client_for):
    from django.core.files.base import ContentFile

    resource = ResourceFactory(organizer=organizer, title="DEI organisational checklist")
    with scopes_disabled():
        resource.file.save("checklist.txt", ContentFile(b"1. Strategy\n"), save=True)
    client = client_for(participant)
    for _ in range(3):
        client.get(url(organizer, "resource_detail", resource_id=resource.pk))
    client.get(url(organizer, "resource_download", resource_id=resource.pk))
    with scopes_disabled():
        resource.refresh_from_db()
    assert (resource.view_count, resource.download_count) == (3, 1)

    participant_page = client.get(url(organizer, "index")).content.decode()
    assert "Downloads" not in participant_page and "Views" not in participant_page
    detail = client.get(url(organizer, "resource_detail", resource_id=resource.pk)).content.decode()
    assert "Downloads:" not in detail
    staff_page = client_for(staff_user).get(url(organizer, "index")).content.decode()
    assert '<th scope="col" class="text-end">Downloads</th>' in staff_page
    assert '<td class="text-end">4</td>' in staff_page and '<td class="text-end">1</td>' in staff_page


def test_bookmark_toggles(organizer, participant, client_for):
    resource = ResourceFactory(organizer=organizer, title="Systems change toolkit")
    client = client_for(participant)
    bookmark = url(organizer, "resource_bookmark", resource_id=resource.pk)
    assert "Save to my library" in client.get(url(organizer, "resource_detail", resource_id=resource.pk)).content.decode()
    client.post(bookmark, follow=True)
    assert "Remove from my library" in client.get(url(organizer, "resource_detail", resource_id=resource.pk)).content.decode()
    assert "Systems change toolkit" in client.get(url(organizer, "my_library")).content.decode()
    client.post(bookmark, follow=True)
    mine = client.get(url(organizer, "my_library")).content.decode()
    assert "Nothing saved yet" in mine
    assert client.get(bookmark).status_code == 405
