"""The demo: CJC's framework with two organizations' baseline and follow-up, Partos' checklist, the Alliance's workplans."""

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from frameworks.models import Assessment, Framework, ProgressUpdate, SupportLog, SupportRequest, Workplan
from organizers.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def _cjc_framework_and_assessments(client):
    with scopes_disabled():
        framework = Framework.objects.get(slug="anti-racist-workforce-development-system")
        version = framework.versions.get()
        assert [a.title for a in version.areas.all()][0] == "Anti-Racist Workforce Development System"
        assert version.areas.count() == 5 and len(framework.value_list) == 6
        submitted = Assessment.objects.filter(version=version, status="submitted")
        assert {a.organization.name for a in submitted} == {"Westside Workforce Partners (demo)",
                                                            "South Chicago Career Pathways (demo)"}
        assert {a.point.kind for a in submitted} == {"baseline", "follow_up"}
        westside = submitted.filter(organization__name__startswith="Westside", point__kind="follow_up").get()
    page = client.get("/chicago-jobs-council/programs/anti-racist-workforce-development-system-framework/")
    assert b"/chicago-jobs-council/frameworks/anti-racist-workforce-development-system/" in page.content
    public = client.get("/chicago-jobs-council/frameworks/anti-racist-workforce-development-system/")
    assert b"Transformative" in public.content and b"Anti-Racist Partnerships" in public.content
    client.login(username="director@westside.cjc.example", password=DEMO_PASSWORD)
    results = client.get(f"/chicago-jobs-council/assessments/{westside.id}/results/").content.decode()
    assert "Baseline" in results and "3-month follow-up" in results


def _partos_checklist_is_labelled_as_demo_items(client):
    with scopes_disabled():
        version = Framework.objects.get(slug="dei-organisational-checklist").versions.get()
        assert "written for the demo" in version.label
        assert [a.title for a in version.areas.all()] == ["Strategy", "Assessment", "Indicators",
                                                          "Progress monitoring", "Recruitment",
                                                          "Organisational culture"]
        assert Assessment.objects.filter(version=version, status="submitted").count() == 3


def _alliance_workplans_support_and_checkin(client):
    with scopes_disabled():
        assert Workplan.objects.filter(cohort__program__slug="operationalizing-equity").count() == 7
        assert SupportRequest.objects.filter(partner__name="Child Trends").exists()
        assert SupportLog.objects.exists()
        # The cohort is still running: no check-in has gone out, so no update answers one;
        # four teams have a second, later note on their progress.
        assert not ProgressUpdate.objects.filter(checkin_round__isnull=False).exists()
        counts = sorted(w.updates.count() for w in Workplan.objects.filter(cohort__program__slug="operationalizing-equity"))
        assert counts == [1, 1, 1, 2, 2, 2, 2]
        workplan = ProgressUpdate.objects.filter(body__startswith="Fact sheet published").first().workplan
    client.login(username="staff@alliance.example", password=DEMO_PASSWORD)
    page = client.get(f"/alliance-for-early-success/workplans/{workplan.pk}/").content.decode()
    assert "Fact sheet published" in page and "month check-in" not in page


def _rerunning_the_demo_changes_nothing():
    with scopes_disabled():
        before = (Assessment.objects.count(), Workplan.objects.count(), SupportLog.objects.count(),
                  ProgressUpdate.objects.count())
    call_command("load_demo", verbosity=0)
    with scopes_disabled():
        assert (Assessment.objects.count(), Workplan.objects.count(), SupportLog.objects.count(),
                ProgressUpdate.objects.count()) == before


def test_demo_frameworks_assessments_and_workplans(demo, client):
    """One demo load (it is slow) for every check; each helper logs in as needed."""
    _partos_checklist_is_labelled_as_demo_items(client)
    _alliance_workplans_support_and_checkin(client)
    client.logout()
    _cjc_framework_and_assessments(client)
    _rerunning_the_demo_changes_nothing()
