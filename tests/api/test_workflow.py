"""The workflow over JSON with personal tokens: triage → take → evidence → draft → submit → approve,
the same role rules and 409 bodies as the web UI."""

from __future__ import annotations

import pytest

from tests import factories
from tests.api.conftest import article_with_claims
from tests.api.test_auth import assert_error

TEXT = "Unemployment fell to 3.4% in January.\nThe city built 2,000 homes in 2022."


@pytest.fixture
def as_checker(make_token, checker):
    return make_token(["workflow", "verdicts:read"], user=checker, name="checker bot")


@pytest.fixture
def as_editor(make_token, editor):
    return make_token(["workflow"], user=editor, name="editor bot")


@pytest.fixture
def claims(db):
    return article_with_claims(TEXT)[1]


def call(client, method, path, headers, status=200, **body):
    response = client.request(method, f"/api/v1{path}", headers=headers, json=body or None)
    assert response.status_code == status, response.text
    return response.json()


def test_a_claim_goes_from_candidate_to_published_over_json(client, db, claims, as_checker, as_editor,
                                                            scale):
    claim = claims[0]
    queue = call(client, "GET", "/claims", as_checker)
    assert claim.id in [c["id"] for c in queue]
    accepted = call(client, "POST", f"/claims/{claim.id}/accept", as_checker, version=claim.version)
    assert accepted["status"] == "accepted"
    taken = call(client, "POST", f"/claims/{claim.id}/take", as_checker)
    assert taken["status"] == "in_progress" and taken["lease_expires_at"]
    source = call(client, "POST", "/sources", as_checker, 201, url="https://bls.gov/cps", title="CPS",
                  kind="official", published_on="2023-02-03")
    evidence = call(client, "POST", f"/claims/{claim.id}/evidence", as_checker, 201,
                    source_id=source["id"], excerpt="3.4 percent", stance="supports")
    assert evidence["source"]["url"] == "https://bls.gov/cps"
    ratings = call(client, "GET", "/ratings", as_checker)
    draft = call(client, "PUT", f"/claims/{claim.id}/verdict", as_checker, lock_version=0,
                 rating_id=ratings[-1]["id"], summary="The BLS says so.")
    assert draft["state"] == "draft" and draft["lock_version"] == 1
    submitted = call(client, "POST", f"/claims/{claim.id}/submit", as_checker,
                     lock_version=draft["lock_version"])
    assert submitted["state"] == "in_review"
    published = call(client, "POST", f"/claims/{claim.id}/approve", as_editor,
                     lock_version=submitted["lock_version"])
    assert published["state"] == "published"
    feed = call(client, "GET", "/verdicts", as_checker)
    assert [v["id"] for v in feed["verdicts"]] == [published["id"]]


def test_an_editor_corrects_and_withdraws_the_correction_over_json(client, db, claims, as_checker,
                                                                     as_editor, scale):
    claim = claims[0]
    call(client, "POST", f"/claims/{claim.id}/accept", as_checker, version=claim.version)
    call(client, "POST", f"/claims/{claim.id}/take", as_checker)
    source = call(client, "POST", "/sources", as_checker, 201, url="https://bls.gov/cps", title="CPS",
                  kind="official")
    call(client, "POST", f"/claims/{claim.id}/evidence", as_checker, 201, source_id=source["id"],
         excerpt="3.4 percent", stance="supports")
    ratings = call(client, "GET", "/ratings", as_checker)
    draft = call(client, "PUT", f"/claims/{claim.id}/verdict", as_checker, lock_version=0,
                 rating_id=ratings[-1]["id"], summary="The BLS says so.")
    submitted = call(client, "POST", f"/claims/{claim.id}/submit", as_checker,
                     lock_version=draft["lock_version"])
    published = call(client, "POST", f"/claims/{claim.id}/approve", as_editor,
                     lock_version=submitted["lock_version"])
    correction = call(client, "POST", f"/claims/{claim.id}/correct", as_editor, 201,
                      rating_id=ratings[0]["id"], summary="Revised.", correction_note="Oops.")
    assert correction["state"] == "in_review"
    path = f"/api/v1/claims/{claim.id}/withdraw-correction"
    assert_error(client.post(path, headers=as_checker, json={"reason": "No"}), 403, "forbidden")
    call(client, "POST", f"/claims/{claim.id}/withdraw-correction", as_editor, 422, reason="")
    withdrawn = call(client, "POST", f"/claims/{claim.id}/withdraw-correction", as_editor,
                     reason="The first version was right.")
    assert (withdrawn["id"], withdrawn["state"]) == (correction["id"], "withdrawn")
    feed = call(client, "GET", "/verdicts", as_checker)
    assert [v["id"] for v in feed["verdicts"]] == [published["id"]]
    again = client.post(path, headers=as_editor, json={"reason": "Twice"})
    assert "no correction to withdraw" in assert_error(again, 409, "conflict")["message"]


def test_an_illegal_transition_is_409_naming_the_allowed_ones(client, db, claims, as_checker):
    claim = claims[0]
    call(client, "POST", f"/claims/{claim.id}/dismiss", as_checker, version=claim.version)
    response = client.post(f"/api/v1/claims/{claim.id}/accept", headers=as_checker,
                           json={"version": claim.version + 1})
    error = assert_error(response, 409, "illegal_transition")
    assert error["details"] == {"current": "dismissed", "requested": "accepted", "allowed": ["candidate"]}


def test_a_stale_version_is_409_with_the_current_one(client, db, claims, as_checker):
    claim = claims[0]
    response = client.post(f"/api/v1/claims/{claim.id}/accept", headers=as_checker,
                           json={"version": claim.version + 5})
    error = assert_error(response, 409, "stale_version")
    assert error["details"]["current_version"] == claim.version


def test_a_checker_cannot_approve(client, db, claims, as_checker):
    claim = claims[0]
    claim.status = "in_review"
    verdict = factories.VerdictFactory(claim_id=claim.id, state="in_review")
    db.flush()
    response = client.post(f"/api/v1/claims/{claim.id}/approve", headers=as_checker,
                           json={"lock_version": verdict.lock_version})
    assert_error(response, 403, "forbidden")


def test_two_takers_one_wins(client, db, claims, as_checker, make_token):
    claim = claims[0]
    claim.status = "accepted"
    db.flush()
    other = make_token(["workflow"], user=factories.UserFactory(role="checker"), name="other")
    call(client, "POST", f"/claims/{claim.id}/take", as_checker)
    assert client.post(f"/api/v1/claims/{claim.id}/take", headers=other).status_code == 409


def test_a_client_token_cannot_use_the_workflow(client, claims, make_token):
    response = client.get("/api/v1/claims", headers=make_token(["admin"]))
    error = assert_error(response, 403, "forbidden")
    assert "personal token" in error["message"]


def test_the_workflow_scope_is_required(client, claims, make_token, checker):
    response = client.get("/api/v1/claims", headers=make_token(["verdicts:read"], user=checker))
    assert_error(response, 403, "forbidden")


@pytest.mark.parametrize(("path", "body"), [
    ("/claims/1/accept", {"version": "1"}),
    ("/claims/1/accept", {}),
    ("/claims/1/duplicate", {"version": 1, "duplicate_of_id": 2**40}),
    ("/sources", {"url": "ftp://x", "title": "t"}),
    ("/sources", {"url": "https://x.example", "title": "t\x00"}),
])
def test_bad_workflow_input_is_422(client, claims, as_checker, path, body):
    assert_error(client.post(f"/api/v1{path}", headers=as_checker, json=body), 422, "invalid_input")


def test_an_unknown_claim_is_404(client, as_checker):
    assert_error(client.post("/api/v1/claims/999999/take", headers=as_checker), 404, "not_found")
