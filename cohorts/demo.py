"""Demo programs from the five seeds (shared/seeds/000-004), in their own words.

Called by `python manage.py load_demo` after the organizers exist; every row is
update_or_create on a natural key (program slug, cohort slug, module title, ...), so
re-running refreshes instead of duplicating, and later loaders find what this one made
by those keys (e.g. Program slug "advancing-racial-equity").
"""

import datetime as dt
import zoneinfo

from .models import (
    Affiliation,
    Cohort,
    Enrollment,
    Facilitator,
    Module,
    Organization,
    PlanningPartner,
    Program,
    Team,
)


def _at(day: dt.date, tz: str, hour: int = 17) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=zoneinfo.ZoneInfo(tz))


def _program(organizer, slug: str, **fields) -> Program:
    program, _ = Program.objects.update_or_create(
        organizer=organizer, slug=slug, defaults={"status": Program.Status.PUBLISHED, **fields}
    )
    return program


def _cohort(program, slug: str, **fields) -> Cohort:
    cohort, _ = Cohort.objects.update_or_create(
        program=program, slug=slug, defaults={"organizer": program.organizer, **fields}
    )
    return cohort


def _modules(program, rows: list[dict], cohort=None) -> list[Module]:
    made = []
    for order, row in enumerate(rows, start=1):
        module, _ = Module.objects.update_or_create(
            program=program, title=row["title"],
            defaults={"organizer": program.organizer, "order": order, "cohort": cohort,
                      **{k: v for k, v in row.items() if k != "title"}},
        )
        made.append(module)
    return made


def _facilitator(organizer, name: str, **fields) -> Facilitator:
    facilitator, _ = Facilitator.objects.update_or_create(organizer=organizer, name=name, defaults=fields)
    return facilitator


def load(ctx) -> None:
    # Dates that must be true on the day the demo is loaded are computed from today;
    # the seeds' own history (Illinois' October 2024 series, Partos' 2024 trajectory) stays.
    today = dt.date.today()
    _illinois(ctx, today)
    _alliance(ctx, today)
    _cjc(ctx)
    _north_sound(ctx, today)
    _partos(ctx, today)


def partos_trajectory(today: dt.date) -> tuple[int, str]:
    """The year and cohort slug of Partos' trajectory on the load day.

    The seed's trajectory runs September to December with registration closed: the demo
    shows this year's run (upcoming before September, under way from then on), so the
    closed registration, the sessions and the participant's place are all true today.
    """
    return today.year, str(today.year)


def _months_before(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


# ---------------------------------------------------------------- 000 Illinois Partners

ILLINOIS_DESCRIPTION = """Illinois Partners is proud to offer a new racial equity training for human service leaders who want to deepen their understanding and commitment to racial equity. We designed a curriculum that focuses on our sector, connects human service leaders, promotes shared learning and introduces frameworks to advance racial equity in our sector and systems in which we advocate. Participants will join a community of practice community for human service leaders committed to racial justice.

### Our Focus on the Human Service Sector

Systemic racism and inequities exist in all sectors. The human service sector is not alone or immune from racism and inequities. We believe that it is crucial to address systemic racism in the human services sector because of the nature of the work we do and the relationships we build in our respective organizations and the larger community. Learning about the causes of inequities and changing systems is part of our work and leads to a broader impact. We do not have to do this work alone. Building and maintaining relationships are vital to sustaining racial equity work in our sector.

Training will be conducted by Illinois Partners Staff, Racial Healing Practitioners and Guest Facilitators who are Leaders in Racial Justice Work.

### What Participants Can Expect

Participants in our workshops will join a community of practice to share best practices, challenges, and strategies with one another to move past power dynamics created by white supremacy and racial injustice.

- Illinois Partners staff will host open office hours for questions and deeper discussion.
- Participants will have access to a shared resource library.
- Technical assistance is available after each training session to answer questions, address challenges, or assist participants with new communication materials.

### Cost of the Training

There is no cost to participate in the inaugural series scheduled for October 2024.

Starting in January 2025, Illinois Partners is launching a fee-based model for training. Financially contributing partners will receive a 50% discount and a limited number of scholarships are available for individuals who are not employed or sponsored by an organization.
"""

ILLINOIS_OBJECTIVES = """Build shared language and understanding about racism and inequities in our sector and the systems we interact with
Deepen understanding of race and power dynamics within our sector
Explore systems change strategies to advance or achieve racial equity within our sector and systems we interact with
Create and support a community of practice for human service leaders committed to racial justice"""

ILLINOIS_SESSIONS = [
    dict(title="Racial Healing & Relationship Building", period="Session 1",
         description="Facilitated by skilled Racial Healing Practitioners, participants learn how racial healing is at "
                     "the heart of racial equity and relationship building is critical to sustaining racial equity work."),
    dict(title="Introduction to Systemic Racism", period="Session 2",
         description="Participants examine how policies and practices create and sustain racial disparities in "
                     "institutions such as education, healthcare, the criminal legal system, and the economy, and "
                     "discuss strategies to challenge these inequities."),
    dict(title="Race and Power in the Human Service Sector", period="Session 3",
         description="Participants explore how the sector is addressing longstanding racial disparities – including "
                     "how power is held, decisions are made, and resources are distributed – and discuss what changes "
                     "are needed to achieve racial equity."),
    dict(title="Systems Change Strategies & Frameworks to Confront Systemic Racism", period="Session 4",
         description="Participants are introduced to approaches and tools that explicitly address racial disparities "
                     "and lead to long-term changes in policies and practices."),
]


def _illinois(ctx, today: dt.date) -> None:
    organizer = ctx.organizers["illinois"]
    tz = "America/Chicago"
    staff = _facilitator(organizer, "Illinois Partners Staff", affiliation="Illinois Partners for Human Service",
                         bio="Illinois Partners staff lead the series and host open office hours.")
    healers = _facilitator(organizer, "Racial Healing Practitioners", is_guest=True,
                           bio="Skilled Racial Healing Practitioners facilitate racial healing and relationship building.")
    guests = _facilitator(organizer, "Guest Facilitators", is_guest=True,
                          bio="Guest Facilitators who are Leaders in Racial Justice Work.")
    program = _program(
        organizer, "advancing-racial-equity",
        kind=Program.Kind.TRAINING_SERIES,
        title="Advancing Racial Equity",
        summary="A four-session racial equity training series for human service leaders, with a community of practice.",
        description=ILLINOIS_DESCRIPTION,
        audience="The training is open to and designed for individuals in leadership roles, including directors, "
                 "managers, and leaders of committees, workgroups, and task forces.",
        objectives=ILLINOIS_OBJECTIVES,
    )
    program.facilitators.set([staff, healers, guests])
    modules = _modules(program, ILLINOIS_SESSIONS)
    modules[0].facilitators.set([healers])
    _cohort(
        program, "inaugural-series-october-2024",
        title="Inaugural series, October 2024",
        starts_on=dt.date(2024, 10, 1), ends_on=dt.date(2024, 10, 31), time_zone=tz, capacity=30,
        enrollment_mode=Cohort.EnrollmentMode.OPEN, is_free=True,
        cost_summary="There is no cost to participate in the inaugural series scheduled for October 2024.",
        commitment="Four training sessions",
        registration_closes_at=_at(dt.date(2024, 9, 27), tz),
        contact_name="Illinois Partners training team", contact_email="training@illinoispartners.example",
    )
    fee_text = (
        "Fee-based (starting January 2025). Financially contributing partners receive a 50% discount; a limited "
        "number of scholarships are available for individuals who are not employed or sponsored by an organization."
    )
    contact = dict(contact_name="Illinois Partners training team", contact_email="training@illinoispartners.example")
    _cohort(
        program, "2025-series",
        title="2025 series",
        starts_on=dt.date(2025, 1, 15), ends_on=dt.date(2025, 3, 15), time_zone=tz, capacity=30,
        enrollment_mode=Cohort.EnrollmentMode.OPEN, is_free=False, cost_summary=fee_text,
        commitment="Four training sessions", registration_closes_at=_at(dt.date(2025, 1, 10), tz), **contact,
    )
    # The next series takes registrations now, so the demo shows registration end to end.
    next_start = today + dt.timedelta(days=45)
    _cohort(
        program, "next-series",
        title="Next series",
        starts_on=next_start, ends_on=next_start + dt.timedelta(days=60), time_zone=tz, capacity=30,
        enrollment_mode=Cohort.EnrollmentMode.OPEN, is_free=False, cost_summary=fee_text,
        commitment="Four training sessions", registration_closes_at=_at(next_start - dt.timedelta(days=3), tz),
        **contact,
    )
    community = _program(
        organizer, "human-service-leaders-community-of-practice",
        kind=Program.Kind.COMMUNITY_OF_PRACTICE,
        title="Community of Practice for Human Service Leaders",
        summary="A community of practice for human service leaders committed to racial justice.",
        description="Participants in our workshops will join a community of practice to share best practices, "
                    "challenges, and strategies with one another to move past power dynamics created by white "
                    "supremacy and racial injustice.",
        audience="Human service leaders who took part in the Advancing Racial Equity training series.",
        objectives="Create and support a community of practice for human service leaders committed to racial justice",
    )
    community.facilitators.set([staff])
    _cohort(
        community, "ongoing", title="Ongoing community", time_zone=tz, capacity=None,
        enrollment_mode=Cohort.EnrollmentMode.INVITATION, is_free=True, cost_summary="Free for series participants.",
        **contact,
    )
    for name in ["Heartland Family Services", "Southside Community Center"]:
        Organization.objects.update_or_create(
            organizer=organizer, name=name,
            defaults={"sector": "human services", "region": "Illinois", "is_member": True,
                      "is_contributing_partner": name.startswith("Heartland")},
        )


# ---------------------------------------------------------------- 001 Alliance for Early Success

ALLIANCE_OBJECTIVES = """Gain understanding for where individual state groups are at in their racial justice, equity, diversity, and inclusion journey and develop a workplan to guide state-specific organization work
Use facilitated sessions to deepen relationships within cohort to support ongoing work together
Gain skills and tools for practical application to center racial justice, equity, diversity, and inclusion in policy pursuits
Gain skills and tools for practical application to build shared language, develop meaningful allyship and authentic partnership
Gain knowledge and skills to engage broad audiences on topics like racial justice, equity, diversity, and inclusion
Develop practical applications of skills and strategies to take back to full state teams"""

ALLIANCE_PARTNERS = [
    ("Child Trends", "Collecting, disaggregating, and effectively communicating about data"),
    ("Migration Policy Institute", "Understanding and supporting immigrant and refugee communities"),
    ("Center for Law and Social Policy (CLASP)", "Centering policy development around racial justice and equity"),
    ("TOPOS Partnership", "Effectively communicating all of this"),
]

ALLIANCE_STATES = ["Arizona", "Colorado", "Iowa", "North Carolina", "Pennsylvania", "Washington", "Wisconsin"]


def _alliance(ctx, today: dt.date) -> None:
    organizer = ctx.organizers["alliance"]
    tz = "America/New_York"
    annie = _facilitator(organizer, "Annie McKay", bio="Annie McKay leads the community — organizing sessions, "
                         "supporting the planning team, and following-up with each state team.")
    program = _program(
        organizer, "operationalizing-equity",
        kind=Program.Kind.COHORT,
        title="Operationalizing Equity",
        summary="A six-month learning and leadership program for Alliance state grantees.",
        description=(
            "The Alliance for Early Success has launched a new opportunity for state advocacy organizations: a "
            "learning and leadership program called Operationalizing Equity. The offering is a six-month collective "
            "experience for Alliance state grantees that will help them operationalize strategies to center racial "
            "justice, equity, diversity, and inclusion in their work.\n\n"
            "Informed by input from state grantees, the design of Operationalizing Equity will support a small "
            "community of practice to develop shared understanding, knowledge and skills while addressing the unique "
            "needs and contexts of each state-based team through customized individual supports provided by the "
            "planning team members.\n\n"
            "After teams complete the cohort experience they will have opportunities to continue deepening their work "
            "with periodic check-ins and facilitated learning opportunities through a community of practice.\n\n"
            "Operationalizing Equity is part of the Alliance’s new Power Equity Initiative."
        ),
        audience="Cohorts will be comprised of six to eight organizations with each organization bringing a team of "
                 "three leaders, including the executive director.",
        eligibility="Alliance state grantees. Alliance grantees from all 50 states ultimately will have the "
                    "opportunity to participate.",
        objectives=ALLIANCE_OBJECTIVES,
    )
    program.facilitators.set([annie])
    for order, (name, focus) in enumerate(ALLIANCE_PARTNERS, start=1):
        PlanningPartner.objects.update_or_create(
            program=program, name=name, defaults={"organizer": organizer, "focus_area": focus, "order": order}
        )
    # The first cohort is half-way through its six months: sessions this month and next.
    first_day = _months_before(today, 3)
    cohort = _cohort(
        program, "cohort-1", title="First cohort",
        starts_on=first_day, ends_on=_months_before(first_day, -6) - dt.timedelta(days=1), time_zone=tz, capacity=24,
        enrollment_mode=Cohort.EnrollmentMode.APPLICATION, is_free=True, cost_summary="Free for Alliance state grantees.",
        commitment="Six months", is_team_cohort=True, team_size_min=3, team_size_max=3,
        team_requires_executive_director=True, per_organization_limit=3,
        contact_name="Annie McKay", contact_email="operationalizing-equity@earlysuccess.example",
    )
    for state in ALLIANCE_STATES:
        key = state.lower().replace(" ", "")
        organization, _ = Organization.objects.update_or_create(
            organizer=organizer, name=f"{state} Early Childhood Advocates",
            defaults={"region": state, "sector": "early childhood policy advocacy", "is_grantee": True},
        )
        team, _ = Team.objects.update_or_create(
            cohort=cohort, organization=organization, defaults={"organizer": organizer, "name": f"{state} state team"}
        )
        people = [
            ("executive director", True, Enrollment.Role.EXECUTIVE_DIRECTOR),
            ("policy director", False, Enrollment.Role.TEAM_LEAD),
            ("communications lead", False, Enrollment.Role.PARTICIPANT),
        ]
        for title, is_ed, role in people:
            slug = title.split()[0]
            person = ctx.user(f"{slug}@{key}.alliance.example", full_name=f"{state} {title.title()}")
            Affiliation.objects.update_or_create(
                person=person, organization=organization,
                defaults={"organizer": organizer, "title": title.title(), "is_leader": True,
                          "is_executive_director": is_ed},
            )
            Enrollment.objects.update_or_create(
                cohort=cohort, person=person,
                defaults={"organizer": organizer, "organization": organization, "team": team, "role": role,
                          "status": Enrollment.Status.CONFIRMED,
                          "confirmed_at": _at(first_day - dt.timedelta(days=15), tz)},
            )


# ---------------------------------------------------------------- 002 Chicago Jobs Council

CJC_VALUES = """Holistic
Restorative
Trust and Respect for all
Inclusive/Expansive
Transformative
Transparency"""

CJC_OUTCOMES = """Anti-Racist Workforce Development System: prioritizes every worker's future financial stability, career pathway and economic security; honors the humanity of all people, is inclusive, race-explicit, addresses the larger economic system and centers those most impacted by systemic racial injustice; builds transformative relationships between people and systems, focusing on equitable access, providing quality jobs, and removing funding obstacles that inhibit progress.
Anti-Racist Program Design: empathetic, prioritizes the needs of job seekers and is created in collaboration with job seekers and direct service staff; adequately and flexibly funded for services that reduce barriers and addresses systemic racism, producing outcomes that have a positive generational impact; ample funding for staff training; provides job seekers with expansive and quality job or career options aligned with their goals.
Anti-Racist Client Engagement & Service Delivery: services are delivered by staff who are trained, equipped and supported to partner with and recognize job seekers as whole, creative and resourceful people; non-judgmental, unbiased and multiculturally competent; acknowledges each job seeker's goals and personal agency by providing holistic wrap-around services that meet each individual's basic needs first.
Anti-Racist Policy Design & Development: creates policies that rectify the historical and intergenerational way in which multiple systems have created an inherent set of disadvantages for People of Color; addresses past harms and failures by redesigning policies with a racially equitable and just lens; requires the centering of individuals with lived experiences; ensures policy alignment across government systems.
Anti-Racist Partnerships: results in expansive opportunities for job seekers to work in safe and quality environments that enable workers to thrive; based on trust and respect, includes collaboration and transparent communication where all parties are valued and seeks to remove harmful power dynamics; removes barriers and creates pathways to quality jobs."""


def _cjc(ctx) -> None:
    organizer = ctx.organizers["cjc"]
    _program(
        organizer, "anti-racist-workforce-development-system-framework",
        kind=Program.Kind.FRAMEWORK,
        title="Anti-Racist Workforce Development System Framework",
        summary="Together with community and institutional leaders, Chicago Jobs Council is reimagining our workforce "
                "system so all people can thrive through employment.",
        description="Our vision is to create an anti-racist workforce development system and employment equity so "
                    "that everyone can realize their unique pathway out of poverty.",
        audience="Workforce development organizations, funders and policymakers who want to assess and plan their "
                 "work against the framework.",
        values=CJC_VALUES,
        outcomes=CJC_OUTCOMES,
    )


# ---------------------------------------------------------------- 003 North Sound ACH

NORTH_SOUND_OUTCOMES = """Reflection and analysis of organizational policies, practices, and structures through the lens of equity vs. equality
Peer-level support for thinking strategically about the impact of infusing equity practices, that move beyond passive training and into the organization’s functional structures
Bolster leadership’s understanding of individual and collective accountability for bringing just and fair human service (health and social services) delivery systems alongside existent racial, ethnic, and cultural communities
Practice in having brave, curious, thoughtful, and constructive conversations (e.g., about race, class, gender/gender identity, ability, age)
Increased capacity to recognize emergent issues that may be subverting, derailing, or detouring efforts to move toward organizational equity"""


def _north_sound(ctx, today: dt.date) -> None:
    organizer = ctx.organizers["northsound"]
    tz = "America/Los_Angeles"
    gibbs = _facilitator(organizer, "David Gibbs", is_guest=True, bio="Co-facilitator of the Equity in Leadership community of practice.")
    bailey = _facilitator(organizer, "Clarice Bailey", is_guest=True, website="https://www.drcbailey.com",
                          bio="Co-facilitator of the Equity in Leadership community of practice.")
    program = _program(
        organizer, "equity-in-leadership",
        kind=Program.Kind.COMMUNITY_OF_PRACTICE,
        title="Equity in Leadership",
        summary="The first-ever Northwest Washington community of practice focused on Equity, Diversity, "
                "Inclusivity, and Belonging in Leadership.",
        description=(
            "A community of practice model has three components: the domain, the community, and the practice. For our "
            "Equity in Leadership community of practice, the domain is organizational equity through leadership. "
            "Community is you – those organizational leaders with the authority to institutionalize change in policy "
            "and practice and/or those who supervise the operationalization of those changes. Practice is what you "
            "will be doing as you work together to imagine – to deepen the practice of – to operationalize structural "
            "change that demonstrates fair and just practice in your organization.\n\n"
            "We are striving to create a community of up to 15 individuals who serve in health and social service "
            "organizations and represent the social/economic/gender/geographic demographics of Northwest Washington. "
            "Factors used to ensure representation within the community of practice include: racial, gender/gender "
            "identity, and geo/political diversity including tribal affiliation; diversity of lived experience; and "
            "sector representation."
        ),
        audience="North Sound ACH health and social service partners who are organizational leaders with the "
                 "authority to make substantive structural change, and/or those who supervise staff who are "
                 "responsible for implementing structural change.",
        eligibility="As long as we can meet our intent for representation, we would invite more than one person to "
                    "come along!",
        outcomes=NORTH_SOUND_OUTCOMES,
    )
    program.facilitators.set([gibbs, bailey])
    # Its call is open now (applications demo); the cohort starts after selection.
    starts = _months_before(today, -3)
    _cohort(
        program, "first-cohort-2024", title="First cohort",
        starts_on=starts, ends_on=_months_before(starts, -10) + dt.timedelta(days=14), time_zone=tz, capacity=15,
        enrollment_mode=Cohort.EnrollmentMode.APPLICATION, is_free=True, cost_summary="No cost to North Sound ACH partners.",
        contact_name="Dr. Clarice Bailey (www.drcbailey.com)", contact_email="equity@northsoundach.example",
    )


# ---------------------------------------------------------------- 004 Partos

PARTOS_MODULES = [
    dict(
        title="Designing & Championing DEI", period="September/Ongoing",
        description="This year we kick-off the trajectory with a Module on Designing and Championing DEI. Diversity "
                    "Equity & Inclusion requires a tailored design for each organization. Think about strategy, "
                    "assessment, indicators and monitoring progress, Recruitment, organizational culture. Partos will "
                    "develop a DEI Organisational Checklist that can help NGOs assess and monitor their DEI practice.",
        learning_objectives="What does it take to design a tailored DEI strategy, how do we champion and what are "
                            "indicators of success?",
    ),
    dict(
        title="Leveraging DEI in times of resistance and solidarity", period="October",
        description="We continue the trajectory by grounding our DEI and social practices in the current social and "
                    "political dynamics. Through ‘train the trainer’ coaching sessions for DEI ambassadors we’ll get "
                    "to the bone of this!",
        learning_objectives=(
            "How might we build the capacity of DEI facilitators to feel more confident and equipped to address power "
            "dynamics, deal with resistance and build leverage to foster a DEI culture within their organisations?\n"
            "What is the influence of social trends (anti-rights movement, DEI hysteria) on DEI and social justice work?\n"
            "How to position yourself as a DEI advocate/professional.\n"
            "How to deal with Resistance from management & team.\n"
            "How to build leverage and increase support within your organisation."
        ),
    ),
    dict(
        title="Racial Justice", period="November/Ongoing",
        description="What is your racial justice practice? These sessions will be guided by consultants with "
                    "experience in facilitating processes of racial justice and organised in affinity groups to avoid "
                    "unsafe dynamics.",
        learning_objectives="How might we build sustainable racial justice practices within our organisations to "
                            "increase leadership commitment to integrating racial justice into organisational policy "
                            "and culture?",
    ),
    dict(
        title="Mental Health & Wellbeing", period="December",
        description="A journey of introspection and wellbeing for social justice advocates and DEI professionals. "
                    "Exploring somatic wellbeing, healing justice and the role of Mental health in building healthy "
                    "organisational structures.",
        learning_objectives="How might we foster sustainable mental health practices and awareness for DEI "
                            "facilitators (& their teams) so that they can integrate this on an individual level, and "
                            "convince management of its importance.",
    ),
]


def _partos(ctx, today: dt.date) -> None:
    organizer = ctx.organizers["partos"]
    year, cohort_slug = partos_trajectory(today)
    tz = "Europe/Amsterdam"
    program = _program(
        organizer, "dei-learning-trajectory",
        kind=Program.Kind.LEARNING_TRAJECTORY,
        title=f"DEI Learning Trajectory {year}",
        summary="A learning space about Diversity, Equity & Inclusion (DEI) in international collaboration.",
        description=(
            "This trajectory is a learning space about Diversity, Equity & Inclusion (DEI) in international "
            "collaboration, where organisations can share their challenges, needs, best practices, tools, and methods. "
            "We offer a dedicated space for DEI advocates and professionals in leadership positions, HR positions, or "
            "organisational activists willing to take concrete steps toward DEI strategies and contribute to a "
            "co-learning environment.\n\n"
            "The Partos Learning trajectory on DEI will start in September. With one session per month, we’ll end "
            "this trajectory in December. The content of the modules is tailored together with the participants and "
            "will be further developed in the first module.\n\n"
            "- No costs: The learning trajectory is entirely free of charge!\n"
            "- We expect a commitment of 1 day per module (including the meeting time & internal organisational work).\n"
            "- Only one participant per organisation is allowed to register for the trajectory. Rotation or "
            "participation is possible within the different modules and activities.\n"
            "- To ensure the quality of learning, we choose to limit the number of participants. As a branch "
            "organisation, Partos will prioritise members and their (international) partners.\n"
            "- To ensure equity in participation, we will strive for diversity and representation by reserving spots "
            "for people in rightsholder positions."
        ),
        audience="DEI advocates and professionals in leadership positions, HR positions, or organisational activists.",
        eligibility="Only one participant per organisation is allowed to register for the trajectory. Partos will "
                    "prioritise members and their (international) partners.",
    )
    _cohort(
        program, cohort_slug, title=f"Trajectory {year}",
        starts_on=dt.date(year, 9, 1), ends_on=dt.date(year, 12, 31), time_zone=tz, capacity=25,
        enrollment_mode=Cohort.EnrollmentMode.APPLICATION, is_free=True,
        cost_summary="No costs: The learning trajectory is entirely free of charge!",
        commitment="1 day per module", per_organization_limit=1, rotation_allowed=True,
        registration_closed=True,
        closed_message="Registrations are closed now. But if you want more information on the trajectory, feel free "
                       "to contact Gigi at gigi@partos.nl.",
        contact_name="Gigi", contact_email="gigi@partos.nl",
    )
    _modules(program, PARTOS_MODULES)
    for name in ["Oxfam Novib", "Cordaid", "Wilde Ganzen"]:
        Organization.objects.update_or_create(
            organizer=organizer, name=name, defaults={"sector": "international cooperation", "is_member": True}
        )
