"""Password login, sessions, CSRF protection and the organisation page."""

from __future__ import annotations

import re

from .support.actions import csrf_from


def test_login_with_the_right_password(flow, consumer):
    response = flow.login(consumer.user.email.upper(), consumer.password)
    assert response.status_code == 302
    page = flow.http.get("/account")
    assert page.status_code == 200
    assert consumer.org.name in page.get_data(as_text=True)


def test_login_with_a_wrong_password(flow, consumer):
    response = flow.login(consumer.user.email, "not the password at all")
    assert response.status_code == 401
    assert "Wrong email or password" in response.get_data(as_text=True)
    assert flow.http.get("/account").status_code == 302


def test_login_with_an_unknown_email_says_the_same(flow):
    response = flow.login("nobody@example.org", "whatever password")
    assert response.status_code == 401
    assert "Wrong email or password" in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(flow, consumer):
    response = flow.http.post("/login", data={"email": consumer.user.email, "password": consumer.password})
    assert response.status_code == 400
    assert flow.http.get("/account").status_code == 302


def test_login_with_a_forged_csrf_token_is_refused(flow, consumer):
    flow.http.get("/login")
    response = flow.http.post(
        "/login", data={"email": consumer.user.email, "password": consumer.password, "csrf_token": "forged"}
    )
    assert response.status_code == 400


def test_session_cookie_is_httponly_and_samesite(flow, consumer):
    response = flow.login(consumer.user.email, consumer.password)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_next_only_goes_to_this_site(flow, consumer):
    page = flow.http.get("/login?next=https://evil.example/")
    response = flow.http.post(
        "/login?next=https://evil.example/",
        data={
            "email": consumer.user.email,
            "password": consumer.password,
            "csrf_token": csrf_from(page.get_data(as_text=True)),
        },
    )
    assert response.headers["Location"] == "/"


def test_logout_needs_csrf(flow, consumer):
    flow.login(consumer.user.email, consumer.password)
    assert flow.http.post("/logout").status_code == 400
    assert flow.http.get("/account").status_code == 200  # still logged in: the forged logout did nothing
    page = flow.http.get("/account")
    flow.http.post("/logout", data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    assert flow.http.get("/account").status_code == 302


def test_suspended_users_lose_their_session(flow, consumer, app):
    from app.db import get_session
    from app.models import User

    flow.login(consumer.user.email, consumer.password)
    with app.app_context():
        session = get_session()
        user = session.get(User, consumer.user.id)
        user.active = False
        session.commit()
    assert flow.http.get("/account").status_code == 302


def test_registering_a_client_on_the_page_shows_its_secret_once(flow, consumer):
    flow.login(consumer.user.email, consumer.password)
    page = flow.http.get("/account")
    response = flow.http.post(
        "/account/clients",
        data={
            "client-csrf_token": csrf_from(page.get_data(as_text=True)),
            "client-name": "Nightly export",
            "client-client_type": "confidential",
            "client-grant_types": ["client_credentials"],
            "client-scope": "usage:read",
        },
    )
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    secret = re.search(r"Client secret <code>(dxs_[^<]+)</code>", html).group(1)
    again = flow.http.get("/account").get_data(as_text=True)
    assert "Nightly export" in again
    assert secret not in again


def test_registering_a_client_with_bad_scope_explains_why(flow, consumer):
    flow.login(consumer.user.email, consumer.password)
    page = flow.http.get("/account")
    response = flow.http.post(
        "/account/clients",
        data={
            "client-csrf_token": csrf_from(page.get_data(as_text=True)),
            "client-name": "Bad",
            "client-client_type": "confidential",
            "client-grant_types": ["client_credentials"],
            "client-scope": "operator",
        },
    )
    assert response.status_code == 422
    assert "may not hold" in response.get_data(as_text=True)


def test_front_page_lists_active_organisations(client, provider):
    html = client.get("/").get_data(as_text=True)
    assert provider.org.name in html


def test_web_errors_are_pages_not_json(client):
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype in {"text/html", "application/problem+json"}
