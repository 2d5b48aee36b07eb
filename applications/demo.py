"""Demo calls for applications from seeds 001, 003 and 004 (run by `load_demo` after cohorts.demo).

- North Sound ACH (003): ~60 applications to the Equity in Leadership community of
  practice across its representation factors, with quotas for 15 seats and a soft
  one-per-organization limit ("more than one only while representation holds").
- Partos (004): the DEI trajectory with member organizations (priority), one seat per
  organization and seats reserved for people in rightsholder positions.
- Alliance (001): a second Operationalizing Equity cohort with state team applications.

Everything is update_or_create on natural keys, so re-running changes nothing. Values
are drawn from a fixed random seed, so every run produces the same pool.
"""

import datetime as dt
import random

from django.utils import timezone

from cohorts.demo import partos_trajectory
from cohorts.models import Cohort, Organization, Program
from organizers.models import Membership
from organizers.roles import Role

from .models import (
    Application,
    ApplicationCall,
    DemographicCategory,
    DemographicResponse,
    IntersectionQuota,
    Question,
    Quota,
    Review,
    RubricCategory,
    TeamMember,
)

CONSENT = ApplicationCall._meta.get_field("demographics_consent_text").default


class People:
    """Demo applicants: about a hundred people, so the demo password is hashed once, not per person."""

    def __init__(self, ctx):
        self.ctx = ctx
        self._hash = None

    def __call__(self, email: str, *, full_name: str):
        from allauth.account.models import EmailAddress
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password

        from organizers.demo import DEMO_PASSWORD

        if self._hash is None:
            self._hash = make_password(DEMO_PASSWORD)
        user, created = get_user_model().objects.get_or_create(
            email=email, defaults={"full_name": full_name, "password": self._hash}
        )
        if created:
            EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        self.ctx.users[email] = user
        return user


def load(ctx) -> None:
    now = timezone.now()
    person = People(ctx)
    north_sound(ctx, person, now)
    partos(ctx, person, now)
    alliance(ctx, person, now)


def _cohort(organizer, program_slug: str, cohort_slug: str, **create) -> Cohort | None:
    program = Program.objects.filter(organizer=organizer, slug=program_slug).first()
    if program is None:
        return None  # the catalog demo did not run; nothing to attach to
    if create:
        cohort, _ = Cohort.objects.get_or_create(program=program, slug=cohort_slug, defaults={"organizer": organizer, **create})
        return cohort
    return Cohort.objects.filter(program=program, slug=cohort_slug).first()


def _call(cohort: Cohort, **fields) -> ApplicationCall:
    call, _ = ApplicationCall.objects.update_or_create(cohort=cohort, defaults={"organizer": cohort.organizer, **fields})
    return call


def _questions(call, rows) -> None:
    for order, (label, kind, required, choices) in enumerate(rows):
        Question.objects.update_or_create(
            call=call, label=label,
            defaults={"organizer": call.organizer, "order": order, "kind": kind, "required": required, "choices": choices},
        )


def _categories(call, rows) -> dict[str, list[str]]:
    values = {}
    for order, (key, label, multiple, options) in enumerate(rows):
        DemographicCategory.objects.update_or_create(
            call=call, key=key,
            defaults={"organizer": call.organizer, "label": label, "multiple": multiple, "values": "\n".join(options),
                      "order": order},
        )
        values[key] = options
    return values


def _quotas(call, rows) -> None:
    for category, value, minimum, maximum, extra in rows:
        Quota.objects.update_or_create(
            call=call, category=category, value=value,
            defaults={"organizer": call.organizer, "min_seats": minimum, "max_seats": maximum, **extra},
        )


def _rubric(call, rows) -> list[RubricCategory]:
    out = []
    for order, (name, weight) in enumerate(rows):
        category, _ = RubricCategory.objects.update_or_create(
            call=call, name=name, defaults={"organizer": call.organizer, "weight": weight, "max_score": 5, "order": order}
        )
        out.append(category)
    return out


def _apply(call, person, *, organization, submitted_at, answers=None, **fields) -> Application:
    application, _ = Application.objects.update_or_create(
        call=call, applicant=person,
        defaults={"organizer": call.organizer, "organization": organization, "status": Application.Status.SUBMITTED,
                  "submitted_at": submitted_at, "answers": answers or {}, **fields},
    )
    return application


def _demographics(application, answers, at) -> None:
    DemographicResponse.objects.update_or_create(
        application=application,
        defaults={"organizer": application.organizer, "answers": answers, "consent_text": CONSENT, "consented_at": at},
    )


def _review(application, reviewer, rubric, rng) -> None:
    from .services import weighted_score

    scores = {str(c.pk): rng.randint(2, 5) for c in rubric}
    Review.objects.update_or_create(
        application=application, reviewer=reviewer,
        defaults={"organizer": application.organizer, "scores": scores, "score": weighted_score(rubric, scores),
                  "recommendation": rng.choice(["strong_yes", "yes", "yes", "maybe", "no"])},
    )


# ---------------------------------------------------------------- 003 North Sound ACH

NO_TRIBAL_AFFILIATION = "None (no tribal affiliation)"
NORTH_SOUND_CATEGORIES = [
    ("race", "Race or ethnicity", True, [
        "American Indian or Alaska Native", "Asian", "Black or African American", "Hispanic or Latino/a/x",
        "Native Hawaiian or Pacific Islander", "White",
    ]),
    ("gender", "Gender identity", True, ["Woman", "Man", "Non-binary", "Two-Spirit", "Transgender"]),
    ("region", "Where you work", False, [
        "Whatcom County", "Skagit County", "Snohomish County", "Island County", "San Juan County",
    ]),
    ("tribal_affiliation", "Tribal affiliation", True, [
        "Lummi Nation", "Nooksack Indian Tribe", "Swinomish Indian Tribal Community", "Tulalip Tribes",
        "Upper Skagit Indian Tribe", "Sauk-Suiattle Indian Tribe", NO_TRIBAL_AFFILIATION,
    ]),
    ("lived_experience", "Lived experience", True, [
        "Behavioral health or substance use", "Homelessness or housing instability", "Incarceration",
        "Immigration", "Disability",
    ]),
    ("sector", "Sector", False, ["Health care", "Behavioral health", "Social services", "Tribal government", "Public health"]),
]

NORTH_SOUND_ORGS = [
    ("PeaceHealth St. Joseph", "Health care", "Whatcom County"), ("Unity Care NW", "Health care", "Whatcom County"),
    ("Lummi Nation Health Center", "Tribal government", "Whatcom County"),
    ("Opportunity Council", "Social services", "Whatcom County"),
    ("Skagit Regional Health", "Health care", "Skagit County"),
    ("Sea Mar Community Health Centers", "Health care", "Skagit County"),
    ("Swinomish Didgʷálič Wellness Center", "Behavioral health", "Skagit County"),
    ("Community Action of Skagit County", "Social services", "Skagit County"),
    ("Compass Health", "Behavioral health", "Snohomish County"),
    ("Tulalip Tribes Health Department", "Tribal government", "Snohomish County"),
    ("Snohomish County Health Department", "Public health", "Snohomish County"),
    ("Volunteers of America Western Washington", "Social services", "Snohomish County"),
    ("Island County Public Health", "Public health", "Island County"),
    ("Island Senior Resources", "Social services", "Island County"),
    ("San Juan County Health", "Public health", "San Juan County"),
    ("Orcas Island Community Foundation", "Social services", "San Juan County"),
    ("Whatcom Community Health Workers", "Public health", "Whatcom County"),
    ("Catholic Community Services NW", "Social services", "Skagit County"),
    ("Sunrise Services", "Behavioral health", "Snohomish County"),
    ("Nooksack Indian Health Clinic", "Tribal government", "Whatcom County"),
]

FIRST = ["Maria", "James", "Aiyana", "Kenji", "Destiny", "Luis", "Hannah", "Tomas", "Keisha", "Sam", "Leilani",
         "Rosa", "Daniel", "Winona", "Grace", "Malik", "Elena", "Noah", "Sora", "Imani"]
LAST = ["Jefferson", "Nguyen", "Cultee", "Ramirez", "Okafor", "Larsen", "James", "Kealoha", "Solomon", "Patel",
        "Hillaire", "Brown", "Morales", "Washington", "Kim", "George"]


def north_sound(ctx, person_for, now) -> None:
    organizer = ctx.organizers["northsound"]
    cohort = _cohort(organizer, "equity-in-leadership", "first-cohort-2024")
    if cohort is None:
        return
    call = _call(
        cohort, opens_at=now - dt.timedelta(days=20), deadline=now + dt.timedelta(days=10), ask_demographics=True,
        ask_scholarship=False, seats=15, max_per_organization=1, organization_limit_is_soft=True, reviews_wanted=2,
        introduction=(
            "We are striving to create a community of up to 15 individuals who serve in health and social service "
            "organizations and represent the demographics of Northwest Washington. As long as we can meet our intent "
            "for representation, we would invite more than one person from an organization to come along!"
        ),
    )
    _questions(call, [
        ("What gnarly equity concern would you bring to the community?", Question.Kind.LONG_TEXT, True, ""),
        ("Do you supervise staff who implement structural change?", Question.Kind.YES_NO, True, ""),
        ("Years in your current leadership role", Question.Kind.NUMBER, False, ""),
    ])
    values = _categories(call, NORTH_SOUND_CATEGORIES)
    _quotas(call, [
        ("race", "American Indian or Alaska Native", 2, None, {}),
        ("race", "Black or African American", 2, None, {}),
        ("race", "Hispanic or Latino/a/x", 2, None, {}),
        ("race", "Asian", 1, None, {}),
        ("race", "White", 0, 6, {}),
        ("gender", "Woman", 5, None, {}),
        ("gender", "Man", 0, 7, {}),
        *[("region", county, 1, None, {}) for county in values["region"]],
        ("lived_experience", "Behavioral health or substance use", 2, None, {}),
        ("lived_experience", "Homelessness or housing instability", 1, None, {}),
        ("sector", "Health care", 2, None, {}),
        ("sector", "Behavioral health", 2, None, {}),
        ("sector", "Social services", 2, None, {}),
        ("sector", "Tribal government", 1, None, {}),
    ])
    IntersectionQuota.objects.update_or_create(
        call=call, label="At least one Indigenous woman",
        defaults={"organizer": organizer, "min_seats": 1,
                  "conditions": {"race": "American Indian or Alaska Native", "gender": "Woman"}},
    )
    rubric = _rubric(call, [("Authority to make structural change", 2), ("Commitment to equity practice", 2),
                            ("What they bring to peers", 1)])
    orgs = {}
    for name, sector, region in NORTH_SOUND_ORGS:
        orgs[name], _ = Organization.objects.update_or_create(
            organizer=organizer, name=name, defaults={"sector": sector, "region": region},
        )
    reviewers = [ctx.user("reviewer@northsound.example"),
                 person_for("reviewer2@northsound.example", full_name="North Sound Second Reviewer")]
    Membership.objects.get_or_create(organizer=organizer, user=reviewers[1], role=Role.REVIEWER)
    rng = random.Random(3)
    questions = {q.label: str(q.pk) for q in call.questions.all()}
    org_names = [name for name, _, _ in NORTH_SOUND_ORGS]
    for i in range(60):
        org_name = org_names[i % len(org_names)] if i < 40 else rng.choice(org_names)
        _, sector, region = NORTH_SOUND_ORGS[org_names.index(org_name)]
        full_name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}"
        person = person_for(f"applicant{i + 1:02d}@northsound.example", full_name=full_name)
        submitted = now - dt.timedelta(days=rng.randint(1, 18), hours=rng.randint(0, 23))
        application = _apply(
            call, person, organization=orgs[org_name], submitted_at=submitted,
            title=rng.choice(["Executive Director", "Clinical Director", "Program Manager", "Deputy Director",
                              "Supervisor", "Director of Operations"]),
            is_leader=True,
            answers={questions["What gnarly equity concern would you bring to the community?"]: rng.choice([
                "Hiring practices that screen out people with lived experience.",
                "Moving from one-off trainings to changes in our policies.",
                "Sharing decision-making power with the tribal communities we serve.",
                "Pay equity across our front-line and management staff.",
            ]), questions["Do you supervise staff who implement structural change?"]: rng.choice(["yes", "yes", "no"])},
        )
        if rng.random() < 0.1:
            continue  # preferred not to answer any demographic question
        race = rng.choices(values["race"], weights=[2, 1.5, 1.5, 2, 0.6, 4])[0]
        answers = {
            "race": [race] + ([rng.choice(values["race"])] if rng.random() < 0.12 else []),
            "gender": [rng.choices(values["gender"], weights=[6, 4, 0.8, 0.5, 0.4])[0]],
            "region": [region],
            "sector": [sector],
            "lived_experience": rng.sample(values["lived_experience"], k=rng.choice([0, 0, 1, 1, 2])),
        }
        if race == "American Indian or Alaska Native":
            answers["tribal_affiliation"] = [rng.choice([v for v in values["tribal_affiliation"] if v != NO_TRIBAL_AFFILIATION])]
        else:
            answers["tribal_affiliation"] = [NO_TRIBAL_AFFILIATION]
        _demographics(application, {k: sorted(set(v)) for k, v in answers.items() if v}, submitted)
        for reviewer in reviewers:
            _review(application, reviewer, rubric, rng)


# ---------------------------------------------------------------- 004 Partos

PARTOS_ORGS = [
    # (name, member)
    ("Oxfam Novib", True), ("Cordaid", True), ("Wilde Ganzen", True), ("ZOA", True), ("Simavi", True),
    ("Hivos", True), ("Plan International Nederland", True), ("Save the Children Nederland", True),
    ("ICCO", True), ("Free Press Unlimited", True), ("Rutgers", True), ("CARE Nederland", True),
    ("Both ENDS", True), ("Mama Cash", True),
    ("Stichting Vluchteling", False), ("Kerk in Actie", False), ("Aidsfonds", False), ("Terre des Hommes NL", False),
    ("Liliane Fonds", False), ("The Hunger Project NL", False), ("Fair Wear", False), ("Akvo", False),
    ("Solidaridad", False), ("SNV", False), ("Dorcas", False), ("Tear", False), ("Woord en Daad", False),
    ("Edukans", False), ("Defence for Children", False), ("IUCN NL", False),
]


def partos(ctx, person_for, now) -> None:
    organizer = ctx.organizers["partos"]
    cohort = _cohort(organizer, "dei-learning-trajectory", partos_trajectory(now.date())[1])
    if cohort is None:
        return
    if cohort.starts_on:  # the trajectory's call ran before it started, not around today
        before = dt.datetime.combine(cohort.starts_on - dt.timedelta(days=20), dt.time(12), tzinfo=dt.UTC)
        now = min(now, before)
    call = _call(
        cohort, opens_at=now - dt.timedelta(days=60), deadline=now - dt.timedelta(days=5), ask_demographics=True,
        ask_role=True, member_priority=25.0, seats=20, reviewers_see_demographics=False,
        introduction="Only one participant per organisation. Partos prioritises members and their partners and "
                     "reserves spots for people in rightsholder positions.",
    )
    _questions(call, [
        ("What DEI challenge does your organisation face?", Question.Kind.LONG_TEXT, True, ""),
        ("Can you commit 1 day per module (September to December)?", Question.Kind.YES_NO, True, ""),
        ("Which module interests you most?", Question.Kind.SINGLE_CHOICE, False,
         "Designing & Championing DEI\nLeveraging DEI in times of resistance\nRacial Justice\nMental Health & Wellbeing"),
    ])
    values = _categories(call, [
        ("rightsholder", "Rightsholder position", False, ["Person in a rightsholder position"]),
        ("region", "Where you are based", False, ["Global South", "Global North"]),
        ("gender", "Gender identity", True, ["Woman", "Man", "Non-binary"]),
    ])
    _quotas(call, [
        ("rightsholder", "Person in a rightsholder position", 3, None,
         {"reserved": True, "label": "Seats reserved for people in rightsholder positions"}),
        ("region", "Global South", 4, None, {}),
    ])
    rubric = _rubric(call, [("Leadership or HR position to drive change", 1), ("Commitment", 1)])
    reviewer = ctx.user("reviewer@partos.example")
    rng = random.Random(4)
    for i, (name, is_member) in enumerate(PARTOS_ORGS):
        organization, _ = Organization.objects.update_or_create(
            organizer=organizer, name=name, defaults={"sector": "international cooperation", "is_member": is_member},
        )
        for j in range(2 if i % 5 == 0 else 1):  # a few organisations send two applicants; one seat each
            person = person_for(f"applicant{i + 1:02d}{'abc'[j]}@partos.example",
                              full_name=f"{rng.choice(['Amina', 'Joost', 'Fatima', 'Sanne', 'Kwame', 'Lotte', 'Priya', 'Daan'])} "
                                        f"{rng.choice(['de Vries', 'Mensah', 'Bakker', 'El Amrani', 'Visser', 'Osei', 'Jansen'])}")
            application = _apply(call, person, organization=organization,
                                 submitted_at=now - dt.timedelta(days=10 + rng.randint(0, 40)),
                                 title=rng.choice(["DEI officer", "HR manager", "Director", "Programme lead"]))
            answers = {"region": [rng.choice(values["region"])], "gender": [rng.choice(values["gender"][:2])]}
            if rng.random() < 0.25:
                answers["rightsholder"] = values["rightsholder"]
            _demographics(application, answers, application.submitted_at)
            _review(application, reviewer, rubric, rng)


# ---------------------------------------------------------------- 001 Alliance

ALLIANCE_APPLICANT_STATES = [
    ("Georgia", "South"), ("Texas", "South"), ("North Carolina", "South"), ("Colorado", "West"),
    ("Oregon", "West"), ("Nevada", "West"), ("Michigan", "Midwest"), ("Minnesota", "Midwest"),
    ("Ohio", "Midwest"), ("Pennsylvania", "Northeast"), ("Maine", "Northeast"), ("Vermont", "Northeast"),
]


def alliance(ctx, person_for, now) -> None:
    organizer = ctx.organizers["alliance"]
    cohort = _cohort(
        organizer, "operationalizing-equity", "cohort-2",
        title="Second cohort", time_zone="America/New_York", capacity=24,
        enrollment_mode=Cohort.EnrollmentMode.APPLICATION, is_team_cohort=True, team_size_min=3, team_size_max=3,
        team_requires_executive_director=True, is_free=True, contact_name="Annie McKay",
        contact_email="operationalizing-equity@earlysuccess.example",
        starts_on=(now + dt.timedelta(days=120)).date(), ends_on=(now + dt.timedelta(days=300)).date(),
    )
    if cohort is None:
        return
    call = _call(
        cohort, opens_at=now - dt.timedelta(days=14), deadline=now + dt.timedelta(days=21), ask_team=True,
        ask_demographics=True, ask_scholarship=False, seats=18,
        introduction="Six to eight state grantee organizations, each bringing a team of three leaders including the "
                     "executive director. Each team member confirms by email.",
    )
    _questions(call, [
        ("Where is your organization in its racial justice, equity, diversity and inclusion journey?",
         Question.Kind.LONG_TEXT, True, ""),
        ("What would your team want from a customized support?", Question.Kind.LONG_TEXT, False, ""),
    ])
    values = _categories(call, [("region", "Region of your state", False, ["South", "West", "Midwest", "Northeast"])])
    _quotas(call, [("region", region, 1, None, {}) for region in values["region"]])  # a team from every region
    rubric = _rubric(call, [("Readiness for the work", 1), ("Team commitment", 1)])
    reviewer = ctx.user("reviewer@alliance.example")
    rng = random.Random(1)
    for state, region in ALLIANCE_APPLICANT_STATES:
        key = state.lower().replace(" ", "")
        organization, _ = Organization.objects.update_or_create(
            organizer=organizer, name=f"{state} Early Childhood Advocates",
            defaults={"region": state, "sector": "early childhood policy advocacy", "is_grantee": True},
        )
        lead = person_for(f"policy@{key}.alliance.example", full_name=f"{state} Policy Director")
        application = _apply(call, lead, organization=organization, submitted_at=now - dt.timedelta(days=rng.randint(1, 12)),
                             title="Policy Director", is_leader=True, team_name=f"{state} state team")
        confirmed = now - dt.timedelta(days=1) if state not in ("Nevada", "Maine") else None  # two teams still waiting
        for title, role in (("Executive Director", TeamMember.Role.EXECUTIVE_DIRECTOR), ("Communications Lead", TeamMember.Role.LEADER)):
            TeamMember.objects.update_or_create(
                application=application, email=f"{title.split()[0].lower()}@{key}.alliance.example",
                defaults={"organizer": organizer, "full_name": f"{state} {title}", "title": title, "role": role,
                          "confirmed_at": confirmed},
            )
        _demographics(application, {"region": [region]}, application.submitted_at)
        _review(application, reviewer, rubric, rng)
