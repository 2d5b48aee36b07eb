from django_scopes import scopes_disabled

from accounts.invitations import invitation_token
from applications.models import AccommodationRequest, SelectionRun, TeamMember
from applications.services import TEAM_SALT

from . import no_arguments, sample


def _application(organizer):
    from tests.applications.factories import ApplicationFactory, CallFactory

    return ApplicationFactory(call=CallFactory(cohort__program__organizer=organizer))


def _call(organizer):
    from tests.applications.factories import CallFactory

    return CallFactory(cohort__program__organizer=organizer)


sample("applications:home", public=True)(no_arguments)
sample("applications:review_queue")(no_arguments)
sample("applications:calls")(no_arguments)
sample("applications:access_log")(no_arguments)


@sample("applications:apply", public=True)  # any signed-in person may apply to an open call
def call_for_applying(organizer):
    return {"call_id": _call(organizer).pk}


for _name in ("review_next", "pool", "staff_applications", "start_run", "release_letters"):
    sample(f"applications:{_name}")(lambda organizer: {"call_id": _call(organizer).pk})

for _name in ("application_status", "withdraw", "respond_to_offer", "my_demographics", "review_application",
              "declare_conflict", "staff_application", "set_fixed"):
    sample(f"applications:{_name}")(lambda organizer: {"application_id": _application(organizer).pk})


@sample("applications:accommodation_status")
def accommodation(organizer):
    application = _application(organizer)
    with scopes_disabled():
        AccommodationRequest.objects.create(organizer=organizer, application=application, needs="Captions")
    return {"application_id": application.pk}


def _run(organizer):
    call = _call(organizer)
    with scopes_disabled():
        return SelectionRun.objects.create(organizer=organizer, call=call, kind="best", seed=1, status="done",
                                           result={"status": "feasible", "selected": [], "report": {"rows": []}})


for _name in ("run_detail", "run_status", "run_csv", "confirm_run"):
    sample(f"applications:{_name}")(lambda organizer: {"run_id": _run(organizer).pk})


@sample("applications:confirm_team_member", public=True)  # the signed token is the credential
def team_member(organizer):
    application = _application(organizer)
    with scopes_disabled():
        member = TeamMember.objects.create(organizer=organizer, application=application, full_name="Eve",
                                           email="eve@example.org")
    return {"token": invitation_token(salt=TEAM_SALT, pk=member.pk, organizer_id=organizer.pk)}




sample("applications:apply_relaxation")(lambda organizer: {"run_id": _run(organizer).pk})
