"""Members rate on their own, see the spread, agree one rating per item, submit; submitted is locked."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from frameworks import services
from frameworks.models import Assessment, ConsensusRating, Item, Rating

from .scenario import make_team, make_world

pytestmark = pytest.mark.django_db


def _items(w):
    with scopes_disabled():
        return list(Item.objects.filter(area__version=w.version).order_by("area__order", "order"))


def _url(name, w, **kwargs):
    return reverse(f"frameworks:{name}", kwargs={"organizer_slug": w.organizer.slug, **kwargs})


def test_two_members_rate_see_the_spread_agree_and_submit(organizer, client_for):
    w = make_world(organizer)
    alice, bob = client_for(w.alice), client_for(w.bob)
    response = alice.post(_url("start", w, point_id=w.point.id))
    assessment_id = int(response["Location"].rstrip("/").split("/")[-1])
    assert bob.post(_url("start", w, point_id=w.point.id))["Location"] == response["Location"]  # the same one
    first, *rest = _items(w)
    # Each rates on their own (htmx saves as they go).
    r = alice.post(_url("rate", w, assessment_id=assessment_id, item_id=first.id),
                   {f"r{first.id}-value": "1", f"r{first.id}-comment": "Only on paper"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and b"Saved" in r.content
    bob.post(_url("rate", w, assessment_id=assessment_id, item_id=first.id),
             {f"r{first.id}-value": "3", f"r{first.id}-comment": "The board adopted it"}, HTTP_HX_REQUEST="true")
    # Both see the spread: one "Not started", one "Developing", and the other's comment.
    page = alice.get(_url("assessment", w, assessment_id=assessment_id)).content.decode()
    assert "Not started: 1" in page and "Developing: 1" in page and "The board adopted it" in page
    # The team agrees, item by item, with a note.
    for item in [first, *rest]:
        r = bob.post(_url("consensus", w, assessment_id=assessment_id, item_id=item.id),
                     {f"c{item.id}-value": "2", f"c{item.id}-note": "Adopted, not yet lived"})
        assert r.status_code == 302
    r = alice.post(_url("submit", w, assessment_id=assessment_id))
    assert r["Location"] == _url("results", w, assessment_id=assessment_id)
    with scopes_disabled():
        assessment = Assessment.objects.get(id=assessment_id)
        assert assessment.status == "submitted" and assessment.submitted_by == w.alice
        ratings = {(r.person_id, r.value) for r in Rating.objects.filter(assessment=assessment)}
    assert ratings == {(w.alice.id, 1), (w.bob.id, 3)}
    # Locked: no more changes, with a message, and nothing changes.
    r = bob.post(_url("rate", w, assessment_id=assessment_id, item_id=first.id), {f"r{first.id}-value": "4"},
                 follow=True)
    assert "submitted and is locked" in r.content.decode()
    r = bob.post(_url("consensus", w, assessment_id=assessment_id, item_id=first.id),
                 {f"c{first.id}-value": "4"}, HTTP_HX_REQUEST="true")
    assert "Not saved: This assessment was submitted and is locked" in r.content.decode()
    with scopes_disabled():
        assert ConsensusRating.objects.get(assessment_id=assessment_id, item=first).value == 2
        assert Rating.objects.get(assessment_id=assessment_id, item=first, person=w.bob).value == 3
    locked_page = alice.get(_url("assessment", w, assessment_id=assessment_id)).content.decode()
    assert "This assessment is locked" in locked_page and "Record the agreed rating" not in locked_page


def test_submitting_needs_an_agreed_rating_for_every_statement(organizer, client_for):
    w = make_world(organizer)
    alice = client_for(w.alice)
    with scope(organizer=organizer.id):
        assessment = services.start_assessment(point=w.point, user=w.alice)
    item = _items(w)[0]
    alice.post(_url("consensus", w, assessment_id=assessment.id, item_id=item.id), {f"c{item.id}-value": "2"})
    r = alice.post(_url("submit", w, assessment_id=assessment.id), follow=True)
    assert "Agree on a rating for every statement first (2 still without one)" in r.content.decode()
    with scopes_disabled():
        assert Assessment.objects.get(id=assessment.id).status == "draft"


def test_bad_ratings_are_refused_with_a_message(organizer, client_for):
    w = make_world(organizer)
    alice = client_for(w.alice)
    with scope(organizer=organizer.id):
        assessment = services.start_assessment(point=w.point, user=w.alice)
    item = _items(w)[0]
    r = alice.post(_url("rate", w, assessment_id=assessment.id, item_id=item.id), {f"r{item.id}-value": "9"},
                   HTTP_HX_REQUEST="true")
    assert "Not saved: Select a valid choice" in r.content.decode()
    r = alice.post(_url("consensus", w, assessment_id=assessment.id, item_id=item.id), {f"c{item.id}-value": ""},
                   follow=True)
    assert "Choose the rating the team agreed on." in r.content.decode()
    with scopes_disabled():
        assert not Rating.objects.exists() and not ConsensusRating.objects.exists()


def test_other_teams_and_organizations_get_404(organizer, client_for):
    w = make_world(organizer)
    _, (outsider,) = make_team(organizer, w.cohort, name="Iowa state team", people=1)
    with scope(organizer=organizer.id):
        assessment = services.start_assessment(point=w.point, user=w.alice)
    client = client_for(outsider)
    item = _items(w)[0]
    for url in (_url("assessment", w, assessment_id=assessment.id), _url("results", w, assessment_id=assessment.id),
                _url("organization_history", w, organization_id=w.team.organization_id)):
        assert client.get(url).status_code == 404, url
    assert client.post(_url("rate", w, assessment_id=assessment.id, item_id=item.id),
                       {f"r{item.id}-value": "1"}).status_code == 404
    assert client.post(_url("submit", w, assessment_id=assessment.id)).status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_members_rate_at_the_same_moment_and_both_ratings_are_kept(organizer):
    w = make_world(organizer)
    with scope(organizer=organizer.id):
        assessment = services.start_assessment(point=w.point, user=w.alice)
    items = _items(w)
    barrier = threading.Barrier(2)
    errors = []

    def rate(person, value):
        try:
            with scope(organizer=organizer.id):
                barrier.wait()
                for item in items:
                    services.save_rating(assessment=assessment, item_id=item.id, person=person, value=value)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=rate, args=(w.alice, 1)), threading.Thread(target=rate, args=(w.bob, 4))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with scopes_disabled():
        values = sorted(Rating.objects.filter(assessment=assessment).values_list("person_id", "value"))
    assert values == sorted([(w.alice.id, 1)] * len(items) + [(w.bob.id, 4)] * len(items))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rating_racing_the_submit_is_either_before_it_or_refused(organizer):
    w = make_world(organizer)
    items = _items(w)
    with scope(organizer=organizer.id):
        assessment = services.start_assessment(point=w.point, user=w.alice)
        for item in items:
            services.save_consensus(assessment=assessment, item_id=item.id, by=w.alice, value=2)
    barrier = threading.Barrier(2)
    outcome = {}

    def submit():
        with scope(organizer=organizer.id):
            barrier.wait()
            services.submit_assessment(assessment=assessment, by=w.alice)
        connection.close()

    def change():
        with scope(organizer=organizer.id):
            barrier.wait()
            try:
                services.save_consensus(assessment=assessment, item_id=items[0].id, by=w.bob, value=4)
                outcome["changed"] = True
            except services.FrameworkError:
                outcome["changed"] = False
        connection.close()

    threads = [threading.Thread(target=submit), threading.Thread(target=change)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with scopes_disabled():
        final = ConsensusRating.objects.get(assessment=assessment, item=items[0]).value
        locked = Assessment.objects.get(id=assessment.id)
    assert locked.status == "submitted"
    # The change either landed before the lock (and is in the submitted answers) or was refused.
    assert final == (4 if outcome["changed"] else 2)
    assert locked.submitted_at is not None
