"""Every object URL of one organizer answers 404 to everyone else.

The test walks the project's URL patterns, so a new page cannot escape it: a
pattern that takes arguments but has no sample in tests/isolation/ fails
`test_every_url_with_arguments_has_a_sample`.
"""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from organizers.roles import Role
from tests import isolation
from tests.factories import OrganizerFactory, member

for _module in pkgutil.iter_modules(isolation.__path__):
    importlib.import_module(f"{isolation.__name__}.{_module.name}")

# Trees that carry no organizer data, or are tested on their own (the admin: test_admin_scoping).
SKIPPED_NAMESPACES = ("admin",)
SKIPPED_MODULES = ("allauth.", "django.contrib.admin", "django.views.static")


def iter_patterns(patterns=None, namespace: str = "", args: frozenset = frozenset()):
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        own_args = args | frozenset(entry.pattern.converters) if hasattr(entry.pattern, "converters") else args
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            child = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from iter_patterns(entry.url_patterns, child, own_args)
        elif isinstance(entry, URLPattern) and entry.name:
            module = getattr(entry.callback, "__module__", "") or ""
            full = f"{namespace}:{entry.name}" if namespace else entry.name
            if namespace.split(":")[0] in SKIPPED_NAMESPACES or module.startswith(SKIPPED_MODULES):
                continue
            yield full, own_args


PATTERNS = dict(iter_patterns())
WITH_ARGUMENTS = {name: args for name, args in PATTERNS.items() if args}


def test_every_url_with_arguments_has_a_sample():
    missing = sorted(set(WITH_ARGUMENTS) - set(isolation.SAMPLES))
    assert not missing, (
        "These URL patterns take an organizer or object argument but have no sample in tests/isolation/: "
        f"{missing}. Add one so the isolation test covers them."
    )
    stale = sorted(set(isolation.SAMPLES) - set(WITH_ARGUMENTS))
    assert not stale, f"Samples for URL patterns that no longer exist: {stale}"


def _refused(response, *, anonymous: bool) -> bool:
    # 405: refused before any object is looked up; 401: the read API asks for its token.
    if response.status_code in (401, 404, 405):
        return True
    return anonymous and response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.fixture
def two_organizers(db):
    a = OrganizerFactory(name="Organizer A", slug="organizer-a")
    b = OrganizerFactory(name="Organizer B", slug="organizer-b")
    visitors = {"anonymous": None}
    visitors.update({f"B's {role.label.lower()}": member(b, role) for role in Role})
    return a, b, visitors


@pytest.mark.parametrize("url_name", sorted(WITH_ARGUMENTS))
def test_organizer_a_objects_are_404_for_everyone_else(url_name, two_organizers, client_for):
    a, b, visitors = two_organizers
    sample = isolation.SAMPLES.get(url_name)
    if sample is None:
        pytest.fail(f"No isolation sample for {url_name}")
    kwargs = sample.make(a)
    uses_slug = "organizer_slug" in WITH_ARGUMENTS[url_name]
    takes_object = bool(WITH_ARGUMENTS[url_name] - {"organizer_slug"})
    targets = []
    if uses_slug:
        if takes_object:
            targets.append(("under B's address", reverse(url_name, kwargs={**kwargs, "organizer_slug": b.slug})))
        if not sample.public:
            targets.append(("under A's address", reverse(url_name, kwargs={**kwargs, "organizer_slug": a.slug})))
    elif not sample.public:
        targets.append(("", reverse(url_name, kwargs=kwargs)))
    if not targets:
        reason = (
            "its argument is the credential; wrong and revoked ones are tested with the feature"
            if not uses_slug
            else "a public page that names no object"
        )
        pytest.skip(f"{url_name}: nothing to refuse here ({reason})")

    clients = {who: client_for(user) for who, user in visitors.items()}
    failures = []
    for label, url in targets:
        for who, client in clients.items():
            for method in sample.methods:
                response = getattr(client, method)(url)
                if not _refused(response, anonymous=who == "anonymous"):
                    failures.append(f"{method.upper()} {url} {label} as {who}: {response.status_code}")
    assert not failures, "Organizer A's data reached someone else:\n" + "\n".join(failures)


@pytest.mark.parametrize(
    "url_name", sorted(name for name, args in WITH_ARGUMENTS.items() if "organizer_slug" in args)
)
def test_unknown_organizer_is_404(url_name, two_organizers, client_for):
    a, _, _ = two_organizers
    kwargs = isolation.SAMPLES[url_name].make(a) if url_name in isolation.SAMPLES else {}
    url = reverse(url_name, kwargs={**kwargs, "organizer_slug": "no-such-organizer"})
    assert client_for(None).get(url).status_code == 404
