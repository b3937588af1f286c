"""Refresh tokens rotate on every use; presenting a used one revokes the whole family."""

from __future__ import annotations

from .support.actions import bearer


def test_refresh_rotates_the_token(flow, consumer):
    first = flow.user_tokens(consumer)
    response = flow.refresh(consumer, first["refresh_token"])
    assert response.status_code == 200
    second = response.get_json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert second["scope"] == first["scope"]
    me = flow.http.get("/api/v1/me", headers=bearer(second["access_token"])).get_json()
    assert me["user_id"] == consumer.user.id


def test_reused_refresh_token_revokes_the_family(flow, consumer):
    first = flow.user_tokens(consumer)
    second = flow.refresh(consumer, first["refresh_token"]).get_json()
    third = flow.refresh(consumer, second["refresh_token"]).get_json()

    replay = flow.refresh(consumer, first["refresh_token"])
    assert replay.status_code == 400
    assert replay.get_json()["error"] == "invalid_grant"

    # everything of the family is dead: the newest refresh token and every access token issued from it
    assert flow.refresh(consumer, third["refresh_token"]).status_code == 400
    for tokens in (first, second, third):
        assert flow.http.get("/api/v1/me", headers=bearer(tokens["access_token"])).status_code == 401


def test_reuse_in_one_family_leaves_other_families_alone(flow, consumer):
    family_a = flow.user_tokens(consumer)
    family_b = flow.user_tokens(consumer)
    flow.refresh(consumer, family_a["refresh_token"])
    flow.refresh(consumer, family_a["refresh_token"])
    assert flow.refresh(consumer, family_b["refresh_token"]).status_code == 200


def test_refresh_token_of_another_client_is_refused(flow, consumer, make_party):
    tokens = flow.user_tokens(consumer)
    other = make_party("consumer")
    response = flow.refresh(other, tokens["refresh_token"])
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_grant"


def test_refresh_may_narrow_but_not_widen_scope(flow, consumer):
    tokens = flow.user_tokens(consumer, scope="org:read usage:read")
    narrowed = flow.http.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "scope": "org:read",
        },
        headers=__import__("tests.support.actions", fromlist=["basic"]).basic(
            consumer.client.client_id, consumer.secret
        ),
    )
    assert narrowed.status_code == 200
    assert narrowed.get_json()["scope"] == "org:read"

    widened = flow.http.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": narrowed.get_json()["refresh_token"],
            "scope": "org:read billing:read",
        },
        headers=__import__("tests.support.actions", fromlist=["basic"]).basic(
            consumer.client.client_id, consumer.secret
        ),
    )
    assert widened.status_code == 400
    assert widened.get_json()["error"] == "invalid_scope"


def test_disabled_user_cannot_refresh(flow, consumer, make_user, app):
    admin = make_user(consumer.org, "admin")
    tokens = flow.user_tokens(consumer)
    from app.db import get_session
    from app.schemas.parties import MemberUpdate
    from app.services import parties
    from app.services.actors import Actor

    with app.app_context():
        session = get_session()
        parties.update_member(
            session, Actor.node(), consumer.org.id, consumer.user.id, MemberUpdate(active=False)
        )
        session.commit()
    assert admin.id != consumer.user.id
    assert flow.refresh(consumer, tokens["refresh_token"]).status_code == 400
    assert flow.http.get("/api/v1/me", headers=bearer(tokens["access_token"])).status_code == 401
