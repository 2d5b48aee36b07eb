"""Isolation samples for the catalog's URLs (tenant pages and a person's own /me/ pages)."""

from django_scopes import scope

from cohorts import lifecycle
from tests.factories import CohortFactory, EnrollmentFactory, OrganizationFactory, ProgramFactory, UserFactory

from . import no_arguments, sample

sample("cohorts:catalog", public=True)(no_arguments)


@sample("cohorts:program_detail", public=True)
def program(organizer):
    return {"program_slug": ProgramFactory(organizer=organizer).slug}


@sample("cohorts:register", public=True)
def registration(organizer):
    # Public in the sense that any signed-in person may register; under another
    # organizer's address the cohort must not be found.
    cohort = CohortFactory(program__organizer=organizer)
    return {"program_slug": cohort.program.slug, "cohort_slug": cohort.slug}


@sample("cohorts:register_team", public=True)
def team_registration(organizer):
    cohort = CohortFactory(program__organizer=organizer, is_team_cohort=True, team_size_min=2, team_size_max=3)
    return {"program_slug": cohort.program.slug, "cohort_slug": cohort.slug}


def _enrollment(organizer):
    return {"enrollment_id": EnrollmentFactory(cohort=CohortFactory(program__organizer=organizer)).pk}


# A person's own registration: everyone else (and anonymous) is refused.
sample("me:enrollment")(_enrollment)
sample("me:cancel")(_enrollment)
sample("me:offer")(_enrollment)


@sample("me:delegates")
def _rotation_enrollment(organizer):
    cohort = CohortFactory(program__organizer=organizer, rotation_allowed=True, per_organization_limit=1)
    return {"enrollment_id": EnrollmentFactory(cohort=cohort, organization=OrganizationFactory(organizer=organizer)).pk}


def _team_with_a_pending_member(organizer):
    cohort = CohortFactory(program__organizer=organizer, is_team_cohort=True, team_size_min=2, team_size_max=3)
    with scope(organizer=organizer.pk):
        registration = lifecycle.register_team(
            cohort=cohort, lead=UserFactory(), organization_name="Iowa Early Learning",
            members=[lifecycle.TeamMemberInvite(email="member@iowa.example", name="Morgan Member")],
        )
    return registration.enrollments[0], registration.invitations[0]


@sample("cohorts:team_invitation", public=True)  # the signed link is the credential; another organizer's: 404
def team_invitation(organizer):
    _, invitation = _team_with_a_pending_member(organizer)
    with scope(organizer=organizer.pk):
        url = lifecycle.invitation_url(invitation)
    return {"token": url.rstrip("/").rsplit("/", 1)[1]}


@sample("me:resend_invitation")  # only the lead who named the member
def resend_invitation(organizer):
    enrollment, invitation = _team_with_a_pending_member(organizer)
    return {"enrollment_id": enrollment.pk, "invitation_id": invitation.pk}
