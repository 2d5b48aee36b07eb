import factory

from library.models import Collection, CollectionItem, Resource, Topic
from tests.factories import OrganizerFactory, ScopedFactory


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
