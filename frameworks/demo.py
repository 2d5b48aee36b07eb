"""Demo frameworks, assessments and workplans (called by `load_demo` after the other apps).

- Chicago Jobs Council (seed 002): the Anti-Racist Workforce Development System Framework
  (six values, five outcome areas with the seed's statements), and two workforce
  organizations' baseline and 3-month follow-up assessments.
- Partos (seed 004): a DEI Organisational Checklist whose areas come from the seed and
  whose items were written for the demo (the version is labelled so), with baselines.
- Alliance for Early Success (seed 001): the seven state teams' workplans, support from
  the planning-team partners and progress updates; while the cohort runs there is no
  check-in yet (check-ins follow the cohort's end), later the updates answer the latest one.

Dates are relative to today. Every step is get-or-create, so re-running changes nothing.
"""

import datetime as dt
import inspect

from django.utils import timezone

from cohorts import services as cohort_services
from cohorts.models import Cohort, Enrollment, Organization, PlanningPartner, Program, Team
from organizers.models import Membership
from organizers.roles import Role
from sessions_app.models import CheckInRound

from . import services
from .models import (
    Action,
    Area,
    Assessment,
    AssessmentPoint,
    Framework,
    FrameworkVersion,
    Goal,
    Item,
    PartnerPerson,
    ProgressUpdate,
    SupportRequest,
    Workplan,
)
from .selectors import PARTICIPATING

CJC_VALUES = ["Holistic", "Restorative", "Trust and Respect for all", "Inclusive/Expansive", "Transformative",
              "Transparency"]

CJC_AREAS = [
    ("Anti-Racist Workforce Development System", [
        "An anti-racist workforce development system prioritizes every worker's future financial stability, career "
        "pathway and economic security.",
        "It honors the humanity of all people, is inclusive, race-explicit, addresses the larger economic system and "
        "centers those most impacted by systemic racial injustice.",
        "The system builds transformative relationships between people and systems; focusing on equitable access, "
        "providing quality jobs, and removing funding obstacles that inhibit progress.",
    ]),
    ("Anti-Racist Program Design", [
        "Anti-Racist Program design is empathetic, prioritizes the needs of job seekers and is created in "
        "collaboration with job seekers and direct service staff. Services center the humanity, strengths, and needs "
        "of job seekers in all aspects.",
        "The program is adequately and flexibly funded for services that reduce barriers and addresses systemic "
        "racism, producing outcomes that have a positive generational impact.",
        "There is ample funding for staff training and staff have the capacity and time to adequately design and "
        "implement services.",
        "Provides job seekers with expansive and quality job or career options aligned with their goals.",
    ]),
    ("Anti-Racist Client Engagement & Service Delivery", [
        "Services are delivered by staff who are trained, equipped and supported to partner with and recognize job "
        "seekers as whole, creative and resourceful people.",
        "Client Engagement & Service delivery is non-judgmental, unbiased and multiculturally competent using "
        "relationship and community building approaches to support the goals of individual job seekers.",
        "It acknowledges each job seeker's goals and personal agency by providing holistic wrap-around services that "
        "meet each individual's basic needs first.",
    ]),
    ("Anti-Racist Policy Design & Development", [
        "Creates policies that rectify the historical and intergenerational way in which multiple systems, including "
        "not only the workforce system but education, housing, criminal justice and others, have created an inherent "
        "set of disadvantages for People of Color.",
        "Addresses past harms and failures by redesigning policies with a racially equitable and just lens.",
        "Requires the centering of individuals with lived experiences in the design and implementation of equitable "
        "policies and values expertise gained from navigating barriers and unjust systems.",
        "Ensures policy alignment across government systems so that beneficiaries are not denied by bureaucracies "
        "that create more obstacles for those most impacted by systemic racism.",
    ]),
    ("Anti-Racist Partnerships", [
        "Results in expansive opportunities for job seekers to work in safe and quality environments that enable "
        "workers to thrive.",
        "Are based on trust and respect, includes collaboration and transparent communication where all parties are "
        "valued and seeks to remove harmful power dynamics.",
        "Removes barriers and creates pathways to quality jobs that honor the multi-faceted and collective approach "
        "required to support individuals, communities and organizations.",
    ]),
]

# Areas from seed 004; the statements are written for the demo (the version's label says so).
PARTOS_AREAS = [
    ("Strategy", ["Our DEI strategy is written down, tailored to our organisation and approved by leadership.",
                  "DEI goals are part of our organisational plans and budgets, not a separate project."]),
    ("Assessment", ["We regularly assess where we stand on DEI, including with staff and partners.",
                    "Assessments look at power dynamics in our international partnerships."]),
    ("Indicators", ["We have agreed indicators of success for our DEI work.",
                    "Indicators measure outcomes for people, not only activities held."]),
    ("Progress monitoring", ["We monitor progress on our indicators at least once a year.",
                             "We report progress openly to staff and partners, including setbacks (no DEI-washing)."]),
    ("Recruitment", ["Vacancies are shared through channels that reach underrepresented candidates.",
                     "Selection panels are diverse and use shared, written criteria."]),
    ("Organisational culture", ["People from all backgrounds say they can raise concerns safely.",
                                "Leadership models inclusive behaviour and acts on concerns raised."]),
]

ALLIANCE_SUPPORT = {  # partner name → (what a team asks, what the partner logs)
    "Child Trends": ("Help us disaggregate our state's early childhood data by race and ethnicity.",
                     "Walked the team through the state's public data sets and a disaggregation plan."),
    "Migration Policy Institute": ("How do we reach immigrant and refugee families in our coalition work?",
                                   "Shared state-level profiles of immigrant families and introductions to two groups."),
    "Center for Law and Social Policy (CLASP)": ("Review our policy agenda through a racial equity lens.",
                                                 "Reviewed the agenda; suggested an equity impact question per item."),
    "TOPOS Partnership": ("Help us frame our equity message for legislators.",
                          "Message testing session with the team; three framings to try."),
}


def load(ctx) -> None:
    today = timezone.localdate()
    _cjc(ctx, today)
    _partos(ctx, today)
    _alliance(ctx, today)


# --- helpers --------------------------------------------------------------------------------------------


def _framework(organizer, slug, *, title, areas, program=None, label="", **fields) -> FrameworkVersion:
    framework, _ = Framework.objects.update_or_create(
        organizer=organizer, slug=slug, defaults={"title": title, "program": program, **fields})
    version = framework.versions.filter(status=FrameworkVersion.Status.PUBLISHED).order_by("-number").first()
    if version is not None:
        return version
    version, _ = services.new_draft_version(framework=framework)
    version.label = label
    version.save(update_fields=["label"])
    for a_order, (area_title, statements) in enumerate(areas, start=1):
        area = Area.objects.create(organizer=organizer, version=version, order=a_order, title=area_title)
        for i_order, statement in enumerate(statements, start=1):
            Item.objects.create(organizer=organizer, area=area, order=i_order, statement=statement)
    return services.publish_version(version=version)


def _enroll(cohort, person, organization, team=None, role=Enrollment.Role.PARTICIPANT) -> None:
    """Enrol through the catalog's service (never by writing the status here)."""
    if Enrollment.objects.filter(cohort=cohort, person=person, status__in=PARTICIPATING).exists():
        return
    kwargs = {"cohort": cohort, "person": person, "organization": organization, "team": team, "role": role}
    if "by" in inspect.signature(cohort_services.enroll_by_staff).parameters:
        kwargs["by"] = None
    cohort_services.enroll_by_staff(**kwargs)


def _take(point, people, values_by_person: list[list[int]], consensus: list[int], notes: dict[int, str],
          when: dt.datetime) -> Assessment | None:
    """Each person rates, the team agrees, the first person submits (skipped when already submitted).

    A point whose day has not come yet is left alone: nobody answers a follow-up early.
    """
    if point.opens_on > timezone.localdate():
        return None
    when = min(when, timezone.now())
    assessment = services.start_assessment(point=point, user=people[0], today=point.opens_on)
    if assessment.is_locked:
        return assessment
    items = list(Item.objects.filter(area__version=point.version).order_by("area__order", "order"))
    for p_index, (person, values) in enumerate(zip(people, values_by_person)):
        for index, (item, value) in enumerate(zip(items, values)):
            services.save_rating(assessment=assessment, item_id=item.id, person=person, value=value,
                                 comment=notes.get(index, "") if p_index == 0 else "")
    for index, (item, value) in enumerate(zip(items, consensus)):
        services.save_consensus(assessment=assessment, item_id=item.id, by=people[0], value=value,
                                note=notes.get(index, ""))
    return services.submit_assessment(assessment=assessment, by=people[0], now=when)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(15)))


# --- 002 Chicago Jobs Council -----------------------------------------------------------------------------


def _cjc(ctx, today) -> None:
    organizer = ctx.organizers["cjc"]
    program = Program.objects.get(organizer=organizer, slug="anti-racist-workforce-development-system-framework")
    version = _framework(
        organizer, "anti-racist-workforce-development-system", program=program,
        title="Anti-Racist Workforce Development System Framework",
        summary="Together with community and institutional leaders, Chicago Jobs Council is reimagining our workforce "
                "system so all people can thrive through employment.",
        description="Our vision is to create an anti-racist workforce development system and employment equity so "
                    "that everyone can realize their unique pathway out of poverty.\n\n"
                    "Each outcome area is described by a few statements; organizations rate where they stand on each "
                    "one at a baseline and again at follow-ups, and plan from what they find.",
        values="\n".join(CJC_VALUES), areas=CJC_AREAS,
    )
    cohort, _ = Cohort.objects.update_or_create(
        program=program, slug="self-assessment-pilot",
        defaults={"organizer": organizer, "title": "Self-assessment pilot",
                  "starts_on": today - dt.timedelta(days=330), "ends_on": today - dt.timedelta(days=150),
                  "time_zone": "America/Chicago", "enrollment_mode": Cohort.EnrollmentMode.INVITATION,
                  "capacity": 20, "commitment": "A baseline, then follow-ups at 1, 3, 6 and 12 months",
                  "contact_name": "Chicago Jobs Council", "contact_email": "info@cjc.example"},
    )
    points = {(p.kind, p.months_after): p for p in services.schedule_points(cohort=cohort, version=version)}
    baseline, follow_up = points[("baseline", 0)], points[("follow_up", 3)]
    n_items = Item.objects.filter(area__version=version).count()
    orgs = [
        ("Westside Workforce Partners (demo)", "westside", [2, 1, 1, 2, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 2, 2, 1],
         [3, 2, 2, 3, 2, 2, 3, 3, 3, 2, 2, 2, 1, 2, 3, 3, 2]),
        ("South Chicago Career Pathways (demo)", "southchicago", [1, 1, 2, 2, 1, 1, 1, 2, 2, 2, 1, 1, 2, 1, 1, 2, 1],
         [2, 2, 2, 3, 2, 1, 2, 3, 3, 3, 2, 2, 2, 2, 2, 3, 2]),
    ]
    for name, key, before, after in orgs:
        organization, _ = Organization.objects.update_or_create(
            organizer=organizer, name=name, defaults={"sector": "workforce development", "region": "Chicago"})
        people = [ctx.user(f"{role}@{key}.cjc.example", full_name=f"{name.split(' (')[0]} {role.title()}")
                  for role in ("director", "manager")]
        for person in people:
            _enroll(cohort, person, organization)
        before, after = (before + [2] * n_items)[:n_items], (after + [3] * n_items)[:n_items]
        _take(baseline, people, [before, [min(4, v + 1) for v in before]], before,
              {0: "We talk about economic security but do not yet measure it."}, _at(baseline.opens_on))
        _take(follow_up, people, [after, after], after,
              {0: "Wage and retention outcomes are now tracked by race."}, _at(follow_up.opens_on))


# --- 004 Partos ----------------------------------------------------------------------------------------------


def _partos(ctx, today) -> None:
    organizer = ctx.organizers["partos"]
    program = Program.objects.get(organizer=organizer, slug="dei-learning-trajectory")
    version = _framework(
        organizer, "dei-organisational-checklist", program=program, title="DEI Organisational Checklist",
        summary="Helps NGOs assess and monitor their DEI practice, and check themselves to avoid DEI-washing.",
        description="Diversity, Equity, and Inclusion requires a tailored design for each organisation. Consider "
                    "strategy, assessment, indicators, progress monitoring, recruitment, and organisational culture.\n\n"
                    "*The areas come from Partos; the statements in this version were written for the demo.*",
        areas=PARTOS_AREAS, label="Demo: statements written for the demo",
    )
    cohort = Cohort.objects.filter(program=program).order_by("-starts_on").first()
    if cohort is None or not cohort.starts_on:
        return
    point, _ = AssessmentPoint.objects.get_or_create(
        cohort=cohort, kind=AssessmentPoint.Kind.BASELINE, months_after=0,
        defaults={"organizer": organizer, "version": version, "taker": AssessmentPoint.Taker.ORGANIZATION,
                  "opens_on": cohort.starts_on})
    n_items = Item.objects.filter(area__version=version).count()
    patterns = {"Oxfam Novib": [3, 2, 2, 1, 2, 2, 1, 1, 3, 2, 2, 2], "Cordaid": [2, 2, 1, 1, 1, 1, 1, 0, 2, 2, 3, 2],
                "Wilde Ganzen": [1, 1, 2, 1, 1, 1, 1, 1, 2, 1, 2, 1]}
    for name, values in patterns.items():
        organization = Organization.objects.filter(organizer=organizer, name=name).first()
        if organization is None:
            continue
        key = name.lower().replace(" ", "")
        person = ctx.user(f"dei@{key}.partos.example", full_name=f"{name} DEI lead")
        _enroll(cohort, person, organization)
        values = (values + [1] * n_items)[:n_items]
        _take(point, [person], [values], values, {}, _at(point.opens_on))


# --- 001 Alliance for Early Success -------------------------------------------------------------------------


def _alliance(ctx, today) -> None:
    organizer = ctx.organizers["alliance"]
    program = Program.objects.get(organizer=organizer, slug="operationalizing-equity")
    cohort = Cohort.objects.get(program=program, slug="cohort-1")
    partners = {p.name: p for p in PlanningPartner.objects.filter(program=program)}
    for name, partner in partners.items():
        key = "".join(c for c in name.lower().split(" (")[0] if c.isalpha())[:20]
        person = ctx.user(f"partner@{key}.alliance.example", full_name=f"{name.split(' (')[0]} partner")
        Membership.objects.get_or_create(organizer=organizer, user=person, role=Role.PARTNER)
        PartnerPerson.objects.get_or_create(partner=partner, user=person, defaults={"organizer": organizer})
    ended = cohort.ends_on or today - dt.timedelta(days=60)
    started = cohort.starts_on or today - dt.timedelta(days=90)
    # Check-ins go out months after the cohort ends (sessions_app's demo opens the rounds
    # whose date has passed, as the beat task would); while the cohort runs there is none,
    # so the teams' later notes are plain progress updates, not answers to a check-in.
    round_ = (CheckInRound.objects.filter(cohort=cohort, sent_at__isnull=False, due_on__lte=today)
              .order_by("-due_on").first())
    partner_names = list(ALLIANCE_SUPPORT)
    for index, team in enumerate(Team.objects.filter(cohort=cohort).select_related("organization").order_by("name")):
        members = [e.person for e in Enrollment.objects.filter(team=team, status__in=PARTICIPATING)
                   .select_related("person").order_by("role")]
        if not members:
            continue
        workplan = services.ensure_workplan(team=team)
        if workplan.goals.exists():
            continue
        state = team.name.replace(" state team", "")
        workplan.summary = (f"{state}'s plan to center racial justice, equity, diversity and inclusion in our policy "
                            "agenda, data and communications.")
        workplan.save(update_fields=["summary"])
        goals = [
            (f"Use disaggregated data in {state}'s early childhood policy asks", [
                ("Inventory the state data we use and how it is broken down", "done"),
                ("Add race and ethnicity breakdowns to our annual fact sheet", "in_progress" if index % 2 else "done"),
            ]),
            ("Center families most affected in setting our agenda", [
                ("Hold two listening sessions with parents and providers", "done" if index < 4 else "in_progress"),
                ("Pay parent advisors for their time", "not_started" if index % 3 else "done"),
            ]),
            ("Tell our equity story consistently", [
                ("Agree shared language for the team and board", "in_progress"),
            ]),
        ]
        for g_order, (title, actions) in enumerate(goals):
            goal = Goal.objects.create(organizer=organizer, workplan=workplan, title=title, order=g_order)
            for a_order, (action_title, status) in enumerate(actions):
                Action.objects.create(organizer=organizer, goal=goal, title=action_title, status=status,
                                      owner=members[(g_order + a_order) % len(members)],
                                      due_on=ended + dt.timedelta(days=60 * (g_order + 1) + 30 * a_order))
        first = services.add_progress_update(workplan=workplan, author=members[0],
                                             body="Our first listening session is done; we are drafting the fact sheet.")
        # A month into the cohort (or today, for a cohort that began less than a month ago).
        ProgressUpdate.objects.filter(pk=first.pk).update(
            created_at=min(_at(started + dt.timedelta(days=30)), timezone.now()))
        for name in {partner_names[index % 4], partner_names[(index + 1) % 4]}:
            partner = partners.get(name)
            if partner is None:
                continue
            ask, given = ALLIANCE_SUPPORT[name]
            if SupportRequest.objects.filter(workplan=workplan, partner=partner).exists():
                continue
            request = services.request_support(workplan=workplan, partner=partner, message=ask, by=members[0])
            if index % 3 != 2:
                supporter = PartnerPerson.objects.filter(partner=partner).first()
                services.log_support(request=request, by=supporter.user if supporter else None, note=given,
                                     given_on=max(started, today - dt.timedelta(days=20 + index)))
        if index < 4:  # four teams have more to report (answering the latest check-in once there is one)
            services.add_progress_update(
                workplan=workplan, author=members[-1], checkin_round=round_,
                body="Fact sheet published with breakdowns by race; parent advisors start next month.")
