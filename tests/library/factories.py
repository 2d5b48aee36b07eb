import factory

from cohorts.models import AffinityGroup, AffinityMembership
from library.models import Collection, CollectionItem, Resource, Topic
from tests.factories import CohortFactory, OrganizerFactory, ScopedFactory, UserFactory


class TopicFactory(ScopedFactory):
    class Meta:
        model = Topic

    organizer = factory.SubFactory(OrganizerFactory)
    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ResourceFactory(ScopedFactory):
    class Meta:
        model = Resource

    organizer = factory.SubFactory(OrganizerFactory)
    title = factory.Sequence(lambda n: f"Resource {n}")
    summary = "A handout for leaders."
    body = "Notes from the session."
    kind = Resource.Kind.DOCUMENT
    url = "https://example.org/handout"
    audience = Resource.Audience.PUBLIC
    status = Resource.Status.PUBLISHED


class CollectionFactory(ScopedFactory):
    class Meta:
        model = Collection

    organizer = factory.SubFactory(OrganizerFactory)
    title = factory.Sequence(lambda n: f"Collection {n}")


class CollectionItemFactory(ScopedFactory):
    class Meta:
        model = CollectionItem

    collection = factory.SubFactory(CollectionFactory)
    organizer = factory.SelfAttribute("collection.organizer")
    resource = factory.SubFactory(ResourceFactory, organizer=factory.SelfAttribute("..organizer"))
    position = factory.Sequence(int)


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
