"""Isolation samples for the library: each URL gets a resource or collection only staff may see."""

from library.models import Resource
from tests.factories import member
from tests.library.factories import CollectionItemFactory, ResourceFactory

from . import no_arguments, sample

# The library page shows public resources to anyone; its object pages are checked below.
sample("library:index", public=True)(no_arguments)
sample("library:my_library")(no_arguments)
sample("library:propose")(no_arguments)
sample("library:review_queue")(no_arguments)


def _staff_only(organizer) -> dict:
    return {"resource_id": ResourceFactory(organizer=organizer, audience=Resource.Audience.STAFF).pk}


for _name in ("library:resource_detail", "library:resource_download", "library:resource_bookmark"):
    sample(_name)(_staff_only)


@sample("library:review_decide")
def proposal(organizer):
    proposer = member(organizer, "facilitator")
    return {"resource_id": ResourceFactory(organizer=organizer, status=Resource.Status.PROPOSED, contributor=proposer).pk}


@sample("library:collection_detail")
def collection(organizer):
    item = CollectionItemFactory(collection__organizer=organizer, resource__audience=Resource.Audience.STAFF)
    return {"collection_id": item.collection_id}
