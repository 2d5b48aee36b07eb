"""Demo organizers from the five seed programs, with one demo user per role.

Loaded by `python manage.py load_demo`; every step is get-or-create, so it is safe to re-run.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django_scopes import scopes_disabled

from .models import Membership, Organizer
from .roles import Role

# Local-only: documented in README, printed by `make run`, never valid in production
# (production has no demo data).
DEMO_PASSWORD = "praxis-demo-2024"

ORGANIZERS = {
    "illinois": dict(
        slug="illinois-partners",
        name="Illinois Partners for Human Service",
        short_description="Advancing Racial Equity: a racial equity training series and community of practice for human service leaders.",
        about=(
            "Illinois Partners offers a racial equity training for human service leaders who want to deepen their "
            "understanding and commitment to racial equity. The curriculum focuses on our sector, connects human "
            "service leaders, promotes shared learning and introduces frameworks to advance racial equity in our "
            "sector and the systems in which we advocate.\n\n"
            "Participants join a community of practice for human service leaders committed to racial justice, "
            "open office hours with Illinois Partners staff, and a shared resource library."
        ),
        time_zone="America/Chicago",
        currency="USD",
        contact_name="Illinois Partners training team",
        contact_email="training@illinoispartners.example",
        website="https://illinoispartners.org",
        brand_colour="#6741d9",
    ),
    "alliance": dict(
        slug="alliance-for-early-success",
        name="Alliance for Early Success",
        short_description="Operationalizing Equity: a six-month learning and leadership program for state advocacy teams.",
        about=(
            "Operationalizing Equity is a six-month collective experience for Alliance state grantees that helps "
            "them operationalize strategies to center racial justice, equity, diversity, and inclusion in their work. "
            "It is part of the Alliance's Power Equity Initiative.\n\n"
            "Cohorts are six to eight organizations, each bringing a team of three leaders including the executive "
            "director. Annie McKay leads the community."
        ),
        time_zone="America/New_York",
        currency="USD",
        contact_name="Annie McKay",
        contact_email="operationalizing-equity@earlysuccess.example",
        website="https://earlysuccess.org",
        brand_colour="#0b7285",
    ),
    "cjc": dict(
        slug="chicago-jobs-council",
        name="Chicago Jobs Council",
        short_description="The Anti-Racist Workforce Development System Framework.",
        about=(
            "Together with community and institutional leaders, Chicago Jobs Council is reimagining our workforce "
            "system so all people can thrive through employment. Our vision is to create an anti-racist workforce "
            "development system and employment equity so that everyone can realize their unique pathway out of poverty."
        ),
        time_zone="America/Chicago",
        currency="USD",
        contact_name="Chicago Jobs Council",
        contact_email="info@cjc.example",
        website="https://cjc.net",
        brand_colour="#c92a2a",
    ),
    "northsound": dict(
        slug="north-sound-ach",
        name="North Sound Accountable Community of Health",
        short_description="Equity in Leadership: a community of practice for health and social service leaders in Northwest Washington.",
        about=(
            "North Sound ACH launches the first-ever Northwest Washington community of practice focused on Equity, "
            "Diversity, Inclusivity, and Belonging in Leadership, for organizational leaders with the authority to "
            "make substantive structural change and those who supervise staff who implement it."
        ),
        time_zone="America/Los_Angeles",
        currency="USD",
        contact_name="Dr. Clarice Bailey",
        contact_email="equity@northsoundach.example",
        website="https://northsoundach.org",
        brand_colour="#2b8a3e",
    ),
    "partos": dict(
        slug="partos",
        name="Partos",
        short_description="The DEI Learning Trajectory: monthly modules on diversity, equity and inclusion in international collaboration.",
        about=(
            "This trajectory is a learning space about Diversity, Equity & Inclusion (DEI) in international "
            "collaboration, where organisations can share their challenges, needs, best practices, tools, and methods."
        ),
        time_zone="Europe/Amsterdam",
        currency="EUR",
        contact_name="Gigi",
        contact_email="gigi@partos.nl",
        website="https://partos.nl",
        brand_colour="#e8590c",
    ),
}

ROLES = [Role.ADMIN, Role.STAFF, Role.FACILITATOR, Role.REVIEWER]


@dataclass
class DemoContext:
    """What the organizer loader made, handed to each app's `demo.load(ctx)`."""

    organizers: dict[str, Organizer] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)

    def user(self, email: str, *, full_name: str = "", **extra):
        """Get or create a demo person with the demo password."""
        User = get_user_model()
        user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name, **extra})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            _verify_email(user)
        self.users[email] = user
        return user


def _verify_email(user) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def load(ctx: DemoContext) -> None:
    with scopes_disabled():
        ctx.user("admin@praxis.local", full_name="Platform Admin", is_superuser=True, is_staff=True)
        for key, fields in ORGANIZERS.items():
            organizer, _ = Organizer.objects.update_or_create(slug=fields["slug"], defaults=fields)
            ctx.organizers[key] = organizer
            for role in ROLES:
                email = f"{role}@{key}.example"
                user = ctx.user(email, full_name=f"{organizer.name.split()[0]} {role.label}")
                Membership.objects.get_or_create(
                    organizer=organizer, user=user, role=role,
                    defaults={"can_view_demographics": role == Role.ADMIN},
                )
        ctx.user("participant@praxis.example", full_name="Demo Participant")


def demo_logins() -> list[tuple[str, str]]:
    """(email, who) for every demo login, in the order `load` creates them."""
    rows = [("admin@praxis.local", "Platform superuser (sees every organizer)")]
    for key, fields in ORGANIZERS.items():
        rows += [(f"{role}@{key}.example", f"{fields['name']}: {role.label.lower()}") for role in ROLES]
    rows.append(("participant@praxis.example", "A participant"))
    return rows
