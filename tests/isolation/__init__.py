"""Sample arguments for the URL-enumeration isolation test (tests/test_isolation.py).

Every URL pattern that takes arguments must be registered here, in the file of its
app (`tests/isolation/samples_<app>.py`, imported automatically), with a function
that creates an object of the given organizer and returns the URL's kwargs (without
`organizer_slug`, which the test fills in):

    @sample("cohorts:program_detail", public=True)
    def program(organizer):
        return {"program_slug": ProgramFactory(organizer=organizer).slug}

`public=True`: anyone may see this page of its own organizer (the test then only
checks that the object is not reachable under another organizer's address).
`methods`: the HTTP methods to try (default GET and POST).
A URL without `organizer_slug` (e.g. a calendar feed token) is requested as
organizer B's members and anonymously; register it with `public=True` only when
the argument itself is the credential (a secret token).
"""

from collections.abc import Callable
from dataclasses import dataclass

ALL_METHODS = ("get", "post")


@dataclass(frozen=True)
class Sample:
    url_name: str
    make: Callable
    public: bool
    methods: tuple[str, ...]


SAMPLES: dict[str, Sample] = {}


def sample(url_name: str, *, public: bool = False, methods: tuple[str, ...] = ALL_METHODS):
    def register(make: Callable) -> Callable:
        if url_name in SAMPLES:
            raise ValueError(f"Two samples for {url_name}")
        SAMPLES[url_name] = Sample(url_name, make, public, methods)
        return make

    return register


def no_arguments(organizer) -> dict:
    """For pages that take only the organizer slug."""
    return {}
