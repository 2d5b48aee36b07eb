"""Open-cohort team consent (issue 10 item 5, issue 12 finding 7): the lead names members by
name and email, each confirms or declines through a signed link, and only then is a seat theirs.

A pending member's seat is held for the team while the lead holds one (the waitlist never
splits a team); declining frees it and the waitlist gets it.
"""

import datetime as dt
import difflib
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts.invitations import invitation_token
from applications.services import TEAM_SALT
from cohorts import lifecycle, selectors
from cohorts.models import Affiliation, Cohort, Enrollment, TeamInvitation
from cohorts.tasks import report_unconfirmed_team_members
from notifications.models import OutboundMessage
from organizers.roles import Role
from tests.factories import CohortFactory, EnrollmentFactory, OrganizerFactory, UserFactory, member

pytestmark = pytest.mark.django_db
Status = Enrollment.Status
LINK = re.compile(r"https?://\S+/teams/join/\S+/")


def team_cohort(organizer, **extra):
    fields = dict(program__organizer=organizer, is_team_cohort=True, team_size_min=2, team_size_max=3,
                  capacity=4, program__title="Operationalizing Equity", title="Cohort 1")
    fields.update(extra)
    return CohortFactory(**fields)


def register_url(cohort):
    return reverse("cohorts:register_team", kwargs={
        "organizer_slug": cohort.organizer.slug, "program_slug": cohort.program.slug, "cohort_slug": cohort.slug})


def form(organization="Arizona Early Childhood Advocates", **members):
    """members: member_1=("Name", "email"), ..."""
    data = {"organization_name": organization, "team_name": "", "lead_title": "Policy director"}
    for key, (name, email) in members.items():
        data[f"{key}_name"], data[f"{key}_email"] = name, email
    return data


def fresh(cohort):
    with scopes_disabled():
        return Cohort.objects.get(pk=cohort.pk)


def taken(cohort) -> int:
    with scope(organizer=cohort.organizer_id):
        return selectors.seats_taken(fresh(cohort))


def statuses(cohort) -> dict[str, str]:
    with scopes_disabled():
        return {e.person.email: e.status for e in Enrollment.objects.filter(cohort=cohort).select_related("person")}


def path_of(url: str) -> str:
    return urlsplit(url).path


def link_in(message) -> str:
    """The one signed link in an email (absolute), as a path for the test client."""
    found = LINK.findall(message.body)
    assert len(found) == 1, message.body
    assert found[0].startswith(settings.PRAXIS_BASE_URL)
    return path_of(found[0])


def mails_to(email):
    return [m for m in mail.outbox if m.to == [email]]


def test_a_team_from_invitation_to_confirmation_and_decline_with_emails(
    organizer, client_for, django_capture_on_commit_callbacks
):
    cohort = team_cohort(organizer)
    lead = UserFactory(full_name="Lee Lead", email="lee@az.example")
    existing = UserFactory(full_name="Eda Existing", email="eda@az.example")  # has an account
    # Arizona's team of three: the lead plus an account holder and a newcomer.
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(lead).post(register_url(cohort), form(
            member_1=("Eda Existing", "eda@az.example"), member_2=("Noor Newcomer", "noor@az.example")))
    assert response.status_code == 302
    assert statuses(cohort) == {"lee@az.example": Status.CONFIRMED}  # nobody else is enrolled yet
    assert taken(cohort) == 3  # two seats held for the members who have not answered
    assert not get_user_model().objects.filter(email="noor@az.example").exists()

    # Colorado's team of two does not fit the one seat left: it waits, whole.
    with django_capture_on_commit_callbacks(execute=True):
        client_for(UserFactory(email="cole@co.example")).post(register_url(cohort), form(
            "Colorado Children's Campaign", member_1=("Cam Colorado", "cam@co.example")))
    assert statuses(cohort)["cole@co.example"] == Status.WAITLISTED

    # Each member got an email with an absolute signed link.
    (to_eda,), (to_noor,) = mails_to("eda@az.example"), mails_to("noor@az.example")
    assert "Lee Lead named you on a team" in to_eda.subject and "Hello Noor Newcomer" in to_noor.body

    # The lead's page waits for both, by name.
    lead_enrollment_id = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    page = client_for(lead).get(reverse("me:enrollment", kwargs={"enrollment_id": lead_enrollment_id}))
    text = page.content.decode()
    assert "Waiting for Eda Existing" in text and "Waiting for Noor Newcomer" in text

    # The newcomer opens the link (signed out), sees what they join, and confirms: an account is made.
    anonymous = client_for(None)
    noor_link = link_in(to_noor)
    shown = anonymous.get(noor_link)
    assert shown.status_code == 200
    assert "Lee Lead registered a team from Arizona Early Childhood Advocates" in shown.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answered = anonymous.post(noor_link, {"action": "confirm", "full_name": "Noor Newcomer-Ali"})
    assert answered.status_code == 302
    noor = get_user_model().objects.get(email="noor@az.example")
    assert noor.full_name == "Noor Newcomer-Ali" and not noor.has_usable_password()
    assert statuses(cohort)["noor@az.example"] == Status.CONFIRMED
    assert taken(cohort) == 3  # the held seat became hers: still three
    with scopes_disabled():
        noor_enrollment = Enrollment.objects.get(person=noor)
        assert noor_enrollment.team.organization.name == "Arizona Early Childhood Advocates"
        assert Affiliation.objects.filter(person=noor, organization=noor_enrollment.organization).exists()
        assert noor_enrollment.events.get().reason == "confirmed their place on Lee Lead's team"
    assert any("you are registered" in m.subject for m in mails_to("noor@az.example"))
    assert any("Noor Newcomer confirmed" in m.subject for m in mails_to("lee@az.example"))
    assert "You confirmed your place" in anonymous.get(noor_link).content.decode()

    # The account holder declines: nothing is enrolled, the seat is freed and Colorado is offered seats.
    with django_capture_on_commit_callbacks(execute=True):
        client_for(existing).post(link_in(to_eda), {"action": "decline"})
    assert "eda@az.example" not in statuses(cohort)
    assert statuses(cohort)["cole@co.example"] == Status.OFFERED
    assert taken(cohort) == 4  # Arizona 2, Colorado's lead offered 1 + 1 held for Cam
    assert any("Eda Existing declined" in m.subject for m in mails_to("lee@az.example"))
    assert any("A seat is free for you" in m.subject for m in mails_to("cole@co.example"))
    page = client_for(lead).get(reverse("me:enrollment", kwargs={"enrollment_id": lead_enrollment_id})).content.decode()
    assert "Waiting for" not in page and "Declined" in page and "declined to join the team" in page

    # Cam confirms while his team's offer is open: he is offered too, with the same deadline.
    (to_cam,) = mails_to("cam@co.example")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(None).post(link_in(to_cam), {"action": "confirm", "full_name": "Cam Colorado"})
    with scopes_disabled():
        cole, cam = (Enrollment.objects.get(cohort=cohort, person__email=e) for e in ("cole@co.example", "cam@co.example"))
    assert cam.status == Status.OFFERED and cam.offer_expires_at == cole.offer_expires_at
    assert taken(cohort) == 4


def test_the_form_answers_the_same_whether_or_not_an_account_exists(organizer, other_organizer, client_for):
    """Four members named the same way: a new address, an account, an account already
    registered in the cohort, another organizer's staff. The lead sees the same pages."""
    cases = {
        "new": "nobody@elsewhere.example",
        "account": UserFactory(email="has-account@elsewhere.example").email,
        "registered": "registered@elsewhere.example",
        "other staff": member(other_organizer, Role.STAFF, email="staff@other.example").email,
    }
    pages = {}
    for case, email in cases.items():
        cohort = team_cohort(organizer, capacity=10)
        if case == "registered":
            EnrollmentFactory(cohort=cohort, person=UserFactory(email=email))
        lead = UserFactory(full_name="Lee Lead")
        client = client_for(lead)
        data = form(member_1=("Morgan Member", email))
        bad = client.post(register_url(cohort), {**data, "organization_name": ""})  # refused: no organization
        good = client.post(register_url(cohort), data)
        followed = client.get(good["Location"])

        def same(text: str) -> str:
            text = text.replace(email, "EMAIL").replace(lead.email, "LEAD")
            text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
            text = re.sub(r'"X-CSRFToken": "[^"]+"', "", text)
            text = re.sub(r'nonce="[^"]+"', "", text)  # the CSP nonce changes with every response
            return re.sub(r"\d+", "#", text)

        pages[case] = (bad.status_code, same(bad.content.decode()), good.status_code, same(good["Location"]),
                       followed.status_code, same(followed.content.decode()))
    assert "No account" not in pages["new"][1] + pages["new"][5]
    first = pages["new"]
    for case, answer in pages.items():
        differences = [
            "\n".join(difflib.unified_diff(str(a).splitlines(), str(b).splitlines(), lineterm="", n=0))
            for a, b in zip(first, answer) if a != b
        ]
        assert not differences, f"the {case} case answers differently:\n" + "\n".join(differences)
    with scopes_disabled():
        # Nobody was enrolled for the lead: not the account holder, not the other organizer's staff.
        assert not Enrollment.objects.filter(person__email__in=[cases["account"], cases["other staff"]]).exists()
        assert TeamInvitation.objects.filter(status="pending").count() == 4


@override_settings(PRAXIS_TEAM_CONFIRMATION_DAYS=7)
def test_members_unconfirmed_after_n_days_are_reported_to_the_lead_and_staff_once(
    organizer, staff_user, django_capture_on_commit_callbacks
):
    cohort = team_cohort(organizer, capacity=10)
    now = timezone.now()
    with scope(organizer=organizer.pk):
        old = lifecycle.register_team(
            cohort=fresh(cohort), lead=UserFactory(full_name="Lee Lead"), organization_name="Iowa",
            members=[lifecycle.TeamMemberInvite(email="a@iowa.example", name="Ana Iowa"),
                     lifecycle.TeamMemberInvite(email="b@iowa.example", name="Bo Iowa")],
            now=now - dt.timedelta(days=8),
        )
        lifecycle.confirm_team_invitation(invitation=old.invitations[1])  # Bo answered: not reported
        recent = lifecycle.register_team(
            cohort=fresh(cohort), lead=UserFactory(), organization_name="Ohio",
            members=[lifecycle.TeamMemberInvite(email="c@ohio.example", name="Cy Ohio")],
            now=now - dt.timedelta(days=2),
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert report_unconfirmed_team_members() == 1
    lead_mail = mails_to(old.enrollments[0].person.email)
    assert len(lead_mail) == 1 and "waiting for Ana Iowa" in lead_mail[0].subject
    assert "after 8 days" in lead_mail[0].body
    staff_mail = mails_to(staff_user.email)
    assert len(staff_mail) == 1 and "Ana Iowa" in staff_mail[0].body and "Bo Iowa" not in staff_mail[0].body
    assert not mails_to(recent.enrollments[0].person.email)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert report_unconfirmed_team_members() == 0  # once only
    assert mail.outbox == []
    with scopes_disabled():
        assert OutboundMessage.objects.filter(template="cohorts/team_members_unconfirmed").count() == 1


def test_the_report_task_runs_from_beat():
    assert any(entry["task"] == "cohorts.tasks.report_unconfirmed_team_members"
               for entry in settings.CELERY_BEAT_SCHEDULE.values())


def test_the_lead_resends_and_outsiders_get_404(organizer, other_organizer, client_for,
                                                django_capture_on_commit_callbacks):
    cohort = team_cohort(organizer)
    lead = UserFactory()
    with scope(organizer=organizer.pk):
        registration = lifecycle.register_team(
            cohort=fresh(cohort), lead=lead, organization_name="Iowa",
            members=[lifecycle.TeamMemberInvite(email="a@iowa.example", name="Ana Iowa")])
    enrollment, invitation = registration.enrollments[0], registration.invitations[0]
    url = reverse("me:resend_invitation", kwargs={"enrollment_id": enrollment.pk, "invitation_id": invitation.pk})

    # Too soon: a message, nothing sent.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = client_for(lead).post(url, follow=True)
    assert "went out a few minutes ago" in page.content.decode() and mail.outbox == []
    with scopes_disabled():
        TeamInvitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - dt.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        page = client_for(lead).post(url, follow=True)
    assert "We sent Ana Iowa their link again" in page.content.decode()
    assert len(mails_to("a@iowa.example")) == 1

    # Anyone else, including another organizer's staff and the invited member: 404, nothing sent.
    mail.outbox.clear()
    for outsider in (member(other_organizer, Role.STAFF), member(organizer, Role.STAFF), UserFactory()):
        assert client_for(outsider).post(url).status_code == 404
    with scope(organizer=organizer.pk):
        link = lifecycle.invitation_url(invitation)
    token = link.rstrip("/").rsplit("/", 1)[1]
    elsewhere = reverse("cohorts:team_invitation", kwargs={"organizer_slug": other_organizer.slug, "token": token})
    for outsider in (None, member(other_organizer, Role.STAFF)):
        assert client_for(outsider).get(elsewhere).status_code == 404
        assert client_for(outsider).post(elsewhere, {"action": "confirm", "full_name": "X"}).status_code == 404
    with scopes_disabled():
        assert TeamInvitation.objects.get(pk=invitation.pk).status == "pending"


def test_a_token_names_one_invitation_and_bad_ones_get_a_clear_page(organizer, client_for):
    cohort = team_cohort(organizer, capacity=10)
    with scope(organizer=organizer.pk):
        first = lifecycle.register_team(
            cohort=fresh(cohort), lead=UserFactory(), organization_name="Iowa",
            members=[lifecycle.TeamMemberInvite(email="a@iowa.example", name="Ana Iowa")]).invitations[0]
        second = lifecycle.register_team(
            cohort=fresh(cohort), lead=UserFactory(), organization_name="Ohio",
            members=[lifecycle.TeamMemberInvite(email="b@ohio.example", name="Bo Ohio")]).invitations[0]
        good = lifecycle.invitation_url(first).rstrip("/").rsplit("/", 1)[1]

    def url(token):
        return reverse("cohorts:team_invitation", kwargs={"organizer_slug": organizer.slug, "token": token})

    # Another team's id in the payload, with the signature of the first: refused.
    payload, _, signature = good.partition(":")
    forged_payload = signing.dumps({"m": second.pk, "o": organizer.pk}, salt="cohorts.team-invitation").split(":")[0]
    application_token = invitation_token(salt=TEAM_SALT, pk=second.pk, organizer_id=organizer.pk)
    other_organizer_token = invitation_token(salt=lifecycle.INVITATION_SALT, pk=second.pk,
                                             organizer_id=OrganizerFactory().pk)
    with scope(organizer=organizer.pk):
        expired_at = timezone.now() - dt.timedelta(days=61)
        with time_machine.travel(expired_at):
            expired = lifecycle.invitation_url(second).rstrip("/").rsplit("/", 1)[1]
    client = client_for(None)
    for token, message in [
        (f"{forged_payload}:{signature}", "not valid"), (good[:-3] + "abc", "not valid"), ("garbage", "not valid"),
        (application_token, "not valid"), (other_organizer_token, "not valid"), (expired, "has expired"),
        ("x" * 900, "not valid"),
    ]:
        for method in ("get", "post"):
            response = getattr(client, method)(url(token), {"action": "confirm", "full_name": "Mallory"})
            assert response.status_code == 404, token
            assert message in response.content.decode()
    with scopes_disabled():
        assert set(TeamInvitation.objects.values_list("status", flat=True)) == {"pending"}
        assert not Enrollment.objects.filter(person__email__in=["a@iowa.example", "b@ohio.example"]).exists()

    # A valid link answers for its own member only, once; a bad answer changes nothing.
    response = client.post(url(good), {"action": "something else"})
    assert response.status_code == 400 and "Choose whether to join the team or decline" in response.content.decode()
    response = client.post(url(good), {"action": "confirm", "full_name": ""})
    assert response.status_code == 400
    assert client.post(url(good), {"action": "confirm", "full_name": "Ana Iowa"}).status_code == 302
    again = client.post(url(good), {"action": "decline"})
    assert again.status_code == 400 and "already confirmed" in again.content.decode()
    with scopes_disabled():
        assert TeamInvitation.objects.get(pk=second.pk).status == "pending"
        assert Enrollment.objects.get(person__email="a@iowa.example").team_id == first.team_id


def test_a_member_already_registered_is_told_when_confirming_and_can_decline(organizer, client_for):
    cohort = team_cohort(organizer, capacity=10)
    already = UserFactory(email="twice@iowa.example")
    EnrollmentFactory(cohort=cohort, person=already)
    with scope(organizer=organizer.pk):
        invitation = lifecycle.register_team(
            cohort=fresh(cohort), lead=UserFactory(), organization_name="Iowa",
            members=[lifecycle.TeamMemberInvite(email=already.email, name="Tw Ice")]).invitations[0]
        link = path_of(lifecycle.invitation_url(invitation))
    client = client_for(already)
    response = client.post(link, {"action": "confirm", "full_name": "Tw Ice"})
    assert response.status_code == 400 and "already have a registration in this cohort" in response.content.decode()
    assert taken(cohort) == 3  # lead + held seat + the earlier registration
    client.post(link, {"action": "decline"})
    assert taken(cohort) == 2


def test_a_cancelled_lead_withdraws_pending_members_and_frees_their_seats(
    organizer, client_for, django_capture_on_commit_callbacks,
):
    cohort = team_cohort(organizer, capacity=10, contact_email="team@organizer.example")
    lead = UserFactory(full_name="Lee Lead")
    with scope(organizer=organizer.pk):
        registration = lifecycle.register_team(
            cohort=fresh(cohort), lead=lead, organization_name="Iowa",
            members=[lifecycle.TeamMemberInvite(email="a@iowa.example", name="Ana Iowa")])
        link = path_of(lifecycle.invitation_url(registration.invitations[0]))
    assert taken(cohort) == 2
    with django_capture_on_commit_callbacks(execute=True):
        client_for(lead).post(reverse("me:cancel", kwargs={"enrollment_id": registration.enrollments[0].pk}))
    assert taken(cohort) == 0
    # Ana was asked to answer: she hears that there is nothing to answer any more.
    withdrawn = [m for m in mail.outbox if m.to == ["a@iowa.example"] and "No need to answer" in m.subject]
    assert len(withdrawn) == 1
    assert withdrawn[0].body.startswith("Hello Ana Iowa,") and "Lee Lead" in withdrawn[0].body
    assert "has now been cancelled" in withdrawn[0].body and "team@organizer.example" in withdrawn[0].body
    page = client_for(None).post(link, {"action": "confirm", "full_name": "Ana Iowa"})
    assert page.status_code == 400 and "registration has ended" in page.content.decode()
    assert not get_user_model().objects.filter(email="a@iowa.example").exists()


def test_a_waitlisted_team_that_shrinks_to_fit_is_offered_the_free_seats(organizer):
    cohort = team_cohort(organizer, capacity=5)
    with scope(organizer=organizer.pk):
        lifecycle.register_team(
            cohort=fresh(cohort), lead=UserFactory(), organization_name="Iowa",
            members=[lifecycle.TeamMemberInvite(email=f"{n}@iowa.example", name=f"Iowa {n}") for n in range(2)])
        waiting = lifecycle.register_team(
            cohort=fresh(cohort), lead=UserFactory(email="lead@ohio.example"), organization_name="Ohio",
            members=[lifecycle.TeamMemberInvite(email=f"{n}@ohio.example", name=f"Ohio {n}") for n in range(2)])
        assert statuses(cohort)["lead@ohio.example"] == Status.WAITLISTED  # 3 of 5 taken: a team of 3 does not fit
        lifecycle.decline_team_invitation(invitation=waiting.invitations[0])
    assert statuses(cohort)["lead@ohio.example"] == Status.OFFERED  # now a team of 2, and 2 seats are free
    assert taken(cohort) == 5


def test_a_waitlisted_team_that_cancels_lets_the_people_behind_it_have_the_free_seats(organizer, client_for):
    cohort = team_cohort(organizer, capacity=6)

    def team(state: str, size: int):
        lead = UserFactory(email=f"lead@{state}.example")
        return lead, lifecycle.register_team(
            cohort=fresh(cohort), lead=lead, organization_name=state.title(),
            members=[lifecycle.TeamMemberInvite(email=f"{n}@{state}.example", name=f"{state} {n}")
                     for n in range(size - 1)])

    with scope(organizer=organizer.pk):
        team("iowa", 2), team("maine", 2)
        kansas_lead, kansas = team("kansas", 2)
        ohio_lead, ohio = team("ohio", 3)
        team("utah", 2)
    assert taken(cohort) == 6
    assert statuses(cohort)["lead@ohio.example"] == statuses(cohort)["lead@utah.example"] == Status.WAITLISTED
    # Kansas leaves: two seats free, Ohio's three still don't fit, and Utah waits behind Ohio.
    client_for(kansas_lead).post(reverse("me:cancel", kwargs={"enrollment_id": kansas.enrollments[0].pk}))
    assert taken(cohort) == 4 and statuses(cohort)["lead@utah.example"] == Status.WAITLISTED
    # Ohio gives up its place in line: Utah is next, and the two free seats are offered to it.
    client_for(ohio_lead).post(reverse("me:cancel", kwargs={"enrollment_id": ohio.enrollments[0].pk}))
    assert statuses(cohort)["lead@ohio.example"] == Status.CANCELLED
    assert statuses(cohort)["lead@utah.example"] == Status.OFFERED
    assert taken(cohort) == 6
