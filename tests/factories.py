"""factory_boy factories for the foundation and the catalog.

Factories create rows with scopes disabled (test setup is not a tenant request);
assertions that query tenant models enter a scope or use `scopes_disabled()`.
"""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_scopes import scopes_disabled
from factory.django import DjangoModelFactory

from cohorts.models import Affiliation, Cohort, Enrollment, Facilitator, Module, Organization, Program, Team
from sessions_app.models import AffinityGroup, AffinityMembership
from organizers.models import Membership, Organizer
from organizers.roles import Role


class ScopedFactory(DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password("pw-for-tests-only")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        # allauth needs a verified address to let the person sign in.
        if create:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})


class OrganizerFactory(DjangoModelFactory):
    class Meta:
        model = Organizer
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Organizer {n}")
    slug = factory.Sequence(lambda n: f"organizer-{n}")
    time_zone = "America/Chicago"
    contact_email = factory.LazyAttribute(lambda o: f"contact@{o.slug}.example")


class MembershipFactory(ScopedFactory):
    class Meta:
        model = Membership

    organizer = factory.SubFactory(OrganizerFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.STAFF


def member(organizer, role: str = Role.STAFF, **user_fields):
    """A new person holding `role` at `organizer`."""
    return MembershipFactory(organizer=organizer, role=role, user=UserFactory(**user_fields)).user


class OrganizationFactory(ScopedFactory):
    class Meta:
        model = Organization

    organizer = factory.SubFactory(OrganizerFactory)
    name = factory.Sequence(lambda n: f"Community Services {n}")
    sector = "human services"
    region = "Cook County"


class AffiliationFactory(ScopedFactory):
    class Meta:
        model = Affiliation

    organization = factory.SubFactory(OrganizationFactory)
    organizer = factory.SelfAttribute("organization.organizer")
    person = factory.SubFactory(UserFactory)
    title = "Director"
    is_leader = True


class FacilitatorFactory(ScopedFactory):
    class Meta:
        model = Facilitator

    organizer = factory.SubFactory(OrganizerFactory)
    name = factory.Faker("name")
    bio = "Racial healing practitioner."


class ProgramFactory(ScopedFactory):
    class Meta:
        model = Program

    organizer = factory.SubFactory(OrganizerFactory)
    kind = Program.Kind.TRAINING_SERIES
    title = factory.Sequence(lambda n: f"Advancing Racial Equity {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    summary = "A training series for human service leaders."
    status = Program.Status.PUBLISHED


class CohortFactory(ScopedFactory):
    class Meta:
        model = Cohort

    program = factory.SubFactory(ProgramFactory)
    organizer = factory.SelfAttribute("program.organizer")
    title = factory.Sequence(lambda n: f"Series {n}")
    slug = factory.Sequence(lambda n: f"series-{n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=120))
    time_zone = "America/Chicago"
    capacity = 20
    enrollment_mode = Cohort.EnrollmentMode.OPEN


class ModuleFactory(ScopedFactory):
    class Meta:
        model = Module

    program = factory.SubFactory(ProgramFactory)
    organizer = factory.SelfAttribute("program.organizer")
    title = factory.Sequence(lambda n: f"Module {n}")
    order = factory.Sequence(int)


class TeamFactory(ScopedFactory):
    class Meta:
        model = Team

    cohort = factory.SubFactory(CohortFactory)
    organizer = factory.SelfAttribute("cohort.organizer")
    organization = factory.SubFactory(OrganizationFactory, organizer=factory.SelfAttribute("..organizer"))


class EnrollmentFactory(ScopedFactory):
    class Meta:
        model = Enrollment

    cohort = factory.SubFactory(CohortFactory)
    organizer = factory.SelfAttribute("cohort.organizer")
    person = factory.SubFactory(UserFactory)
    status = Enrollment.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)


class AffinityGroupFactory(ScopedFactory):
    class Meta:
        model = AffinityGroup

    cohort = factory.SubFactory(CohortFactory)
    organizer = factory.SelfAttribute("cohort.organizer")
    name = factory.Sequence(lambda n: f"Affinity group {n}")


class AffinityMembershipFactory(ScopedFactory):
    class Meta:
        model = AffinityMembership

    group = factory.SubFactory(AffinityGroupFactory)
    organizer = factory.SelfAttribute("group.organizer")
    person = factory.SubFactory(UserFactory)
