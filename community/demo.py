"""Demo spaces: Illinois Partners' community of practice with alumni of the inaugural
series, North Sound ACH's cohort space with a few threads, and a Partos affinity-group space.

Called by `manage.py load_demo` after the catalog, sessions and library loaders, with
scopes disabled. Natural keys (space per cohort/group/program, thread title per space)
make it safe to re-run; a missing program or cohort is skipped.
"""

import datetime as dt
import logging

from django.utils import timezone

from cohorts.models import Cohort, Enrollment, Facilitator, Program
from sessions_app.models import AffinityGroup

from .models import Post, Space, SpaceMember, Thread
from .services import refresh_search

log = logging.getLogger(__name__)
K = Space.Kind

GUIDELINES = """- Speak from your own experience; use "I" statements.
- What is shared here stays here: do not forward posts outside the space.
- Assume good intent, and name impact when it differs from intent.
- No harassment, slurs or personal attacks; facilitators hide posts that break these guidelines.
- Report a post you think breaks them; only facilitators and staff see reports."""


def _space(organizer, kind, title, **fields) -> Space:
    key = {"cohort": fields.get("cohort"), "affinity_group": fields.get("affinity_group"), "program": fields.get("program")}
    lookup = {name: value for name, value in key.items() if value is not None and name == kind}
    space, _ = Space.objects.update_or_create(
        organizer=organizer, kind=kind, **lookup,
        defaults={"title": title, **{k: v for k, v in fields.items() if k not in lookup}},
    )
    return space


def _person(ctx, email, name):
    return ctx.user(email, full_name=name)


def _enroll(cohort, person, status, when):
    # Demo rows are created in their final state, as the catalog's demo does.
    Enrollment.objects.get_or_create(
        cohort=cohort, person=person,
        defaults={"organizer_id": cohort.organizer_id, "status": status, "confirmed_at": when,
                  **({"completed_at": when + dt.timedelta(days=30)} if status == Enrollment.Status.COMPLETED else {})},
    )


def _profile(space, person, **fields):
    SpaceMember.objects.update_or_create(space=space, person=person,
                                         defaults={"organizer_id": space.organizer_id, **fields})


def _thread(space, author, title, body, replies=(), *, days_ago=3, **flags) -> Thread:
    now = timezone.now()
    started = now - dt.timedelta(days=days_ago)
    thread, created = Thread.objects.get_or_create(
        space=space, title=title,
        defaults={"organizer_id": space.organizer_id, "author": author, "last_post_at": started, **flags},
    )
    if not created:
        return thread
    Post.objects.create(organizer_id=space.organizer_id, thread=thread, author=author, body=body, is_opening=True)
    last = started
    for offset, (who, text) in enumerate(replies, start=1):
        post = Post.objects.create(organizer_id=space.organizer_id, thread=thread, author=who, body=text)
        last = started + dt.timedelta(hours=5 * offset)
        Post.objects.filter(pk=post.pk).update(created_at=last)
    Post.objects.filter(thread=thread, is_opening=True).update(created_at=started)
    Thread.objects.filter(pk=thread.pk).update(last_post_at=last, created_at=started)
    refresh_search(thread_ids=[thread.pk])
    return thread


def load_illinois(ctx) -> None:
    organizer = ctx.organizers["illinois"]
    program = Program.objects.filter(organizer=organizer, slug="advancing-racial-equity").first()
    inaugural = Cohort.objects.filter(program=program, slug="inaugural-series-october-2024").first() if program else None
    if inaugural is None:
        log.warning("community demo: no Illinois inaugural series; skipped")
        return
    space = _space(
        organizer, K.PROGRAM, "Community of Practice for Human Service Leaders", program=program,
        description="For everyone who took part in the Advancing Racial Equity series, in any year: share best "
                    "practices, challenges, and strategies with one another to move past power dynamics created by "
                    "white supremacy and racial injustice.",
        guidelines=GUIDELINES,
    )
    finished = dt.datetime(2024, 10, 1, 15, tzinfo=dt.timezone.utc)
    alumni = [
        ("alum.adebayo@illinois.example", "Funmi Adebayo", "Heartland Family Services", "Director of programs",
         "I lead a team of case managers in Chicago's South Side.", "Equity audits of intake forms; board conversations."),
        ("alum.ramirez@illinois.example", "Luis Ramirez", "Southside Community Center", "Executive director",
         "Twenty years in community centers; new to formal equity work.", "Budgeting for equity staff positions."),
        ("alum.chen@illinois.example", "Grace Chen", "Heartland Family Services", "HR manager",
         "I rewrote our hiring process after the series.", "Inclusive hiring, pay transparency."),
        ("alum.washington@illinois.example", "Denise Washington", "Southside Community Center", "Board chair",
         "", "Getting a board to commit to a racial equity statement."),
    ]
    people = {}
    for email, name, organization, role, intro, helps in alumni:
        person = _person(ctx, email, name)
        people[name] = person
        _enroll(inaugural, person, Enrollment.Status.COMPLETED, finished)
        _profile(space, person, joined_at=finished + dt.timedelta(days=31), in_directory=True, organization=organization,
                 role=role, introduction=intro, can_help_with=helps, guidelines_accepted_at=finished + dt.timedelta(days=31),
                 notify=SpaceMember.Notify.DAILY_DIGEST if name == "Luis Ramirez" else SpaceMember.Notify.REPLIES_AND_MENTIONS)
    participant = ctx.users.get("participant@praxis.example")
    if participant is not None and Enrollment.objects.filter(cohort__program=program, person=participant).exists():
        _profile(space, participant, joined_at=timezone.now() - dt.timedelta(days=2))
    staff = ctx.users.get("staff@illinois.example")
    _thread(space, staff, "Welcome, alumni of the inaugural series",
            "This space stays open after your cohort ends. Introduce yourself in the member directory (My settings) "
            "and tell us what you are working on.", [
                (people["Funmi Adebayo"], "Glad to be here. We started an equity review of our intake forms."),
                (people["Grace Chen"], "@Funmi Adebayo we did the same last spring; happy to share our checklist."),
            ], days_ago=20, is_pinned=True, is_announcement=True)
    _thread(space, people["Luis Ramirez"], "How do you fund an equity lead position?",
            "Our board likes the idea but asks where the money comes from. What worked for you?", [
                (people["Denise Washington"], "We split it across two program budgets for the first year."),
            ], days_ago=4)
    _thread(space, people["Grace Chen"], "Pay transparency: where did you start?",
            "We publish ranges for new postings now. Did anyone also publish ranges for current staff?", days_ago=1)


def load_north_sound(ctx) -> None:
    organizer = ctx.organizers["northsound"]
    cohort = Cohort.objects.filter(organizer=organizer, program__slug="equity-in-leadership",
                                   slug="first-cohort-2024").first()
    if cohort is None:
        log.warning("community demo: no North Sound cohort; skipped")
        return
    space = _space(organizer, K.COHORT, "Equity in Leadership — first cohort", cohort=cohort,
                   description="The space of the first Equity in Leadership cohort: our domain is organizational "
                               "equity through leadership; the practice is what we do between sessions.",
                   guidelines=GUIDELINES)
    facilitator = ctx.users.get("facilitator@northsound.example")
    if facilitator is not None:
        from sessions_app.services.sessions import grant_facilitation

        grant_facilitation(cohort=cohort, user=facilitator)
    started = dt.datetime(2024, 2, 1, 17, tzinfo=dt.timezone.utc)
    # The cohort's seats are the application demo's to fill (15 of 15 left until selection),
    # so these leaders from the planning group are in the space by staff invitation.
    staff = ctx.users.get("staff@northsound.example")
    leaders = {}
    for email, name in [("leader.james@northsound.example", "Mara James"),
                        ("leader.olsen@northsound.example", "Erik Olsen"),
                        ("leader.tsosie@northsound.example", "Renée Tsosie")]:
        person = _person(ctx, email, name)
        leaders[name] = person
        _profile(space, person, in_directory=True, organization="North Sound partner organization",
                 guidelines_accepted_at=started, invited_at=started, invited_by=staff)
    _thread(space, facilitator or leaders["Mara James"], "Between sessions: one structural change you are trying",
            "Share one policy or practice you are changing this month, and what is getting in the way.", [
                (leaders["Erik Olsen"], "Rewriting our supervision guide so equity goals are part of every check-in."),
                (leaders["Renée Tsosie"], "Consulting tribal partners before, not after, we set program criteria."),
                (leaders["Mara James"], "@Renée Tsosie could you say more about how you schedule that consultation?"),
            ], days_ago=6)
    _thread(space, leaders["Erik Olsen"], "Reading: the domain, the community, the practice",
            "A short piece on communities of practice that helped me explain this cohort to my board.", days_ago=3)
    _thread(space, leaders["Renée Tsosie"], "Rural and tribal representation on our advisory board",
            "How are others making sure geographic and political diversity shows up beyond the first meeting?", [
                (leaders["Mara James"], "We pay stipends and hold every other meeting outside the city."),
            ], days_ago=2)


def load_partos(ctx) -> None:
    organizer = ctx.organizers["partos"]
    group = AffinityGroup.objects.filter(organizer=organizer, name="Black, Indigenous and People of Colour").first()
    if group is None:
        log.warning("community demo: no Partos affinity group; skipped")
        return
    space = _space(organizer, K.AFFINITY_GROUP, "Racial justice affinity group: Black, Indigenous and People of Colour",
                   affinity_group=group, cohort=group.cohort,
                   description="A safe space for colleagues who are Black, Indigenous or people of colour. Only the "
                               "group's members, its facilitators and Partos staff can see it.",
                   guidelines=GUIDELINES)
    facilitator_user = ctx.users.get("facilitator@partos.example")
    if facilitator_user is not None:
        profile, _ = Facilitator.objects.get_or_create(
            organizer=organizer, user=facilitator_user,
            defaults={"name": facilitator_user.full_name or "Partos facilitator",
                      "bio": "Facilitates the racial justice affinity sessions."})
        group.facilitators.add(profile)
    participant = ctx.users.get("participant@praxis.example")
    if participant is not None and group.members.filter(pk=participant.pk).exists():
        _thread(space, facilitator_user or participant, "Before the racial justice session",
                "What would make the affinity session feel safe for you? Anything you want the facilitators to know "
                "beforehand can go here, or to us directly.", [
                    (participant, "Time to talk about resistance from management, please."),
                ], days_ago=5)


def load(ctx) -> None:
    load_illinois(ctx)
    load_north_sound(ctx)
    load_partos(ctx)
