"""Protected vs unprotected: what local JWT validation costs a JSON endpoint.

Serves one node with gunicorn and drives two routes that share one view body (read one organisation
from the database): ``/api/v1/organizations/<id>``, which validates a bearer token (signature,
issuer, audience, expiry, scope, revocation list) before running it, and an unprotected twin.
Prints requests per second side by side and the ratio (target: protected >= 80% of unprotected).

    python -m benchmarks.tokens [--seconds 5] [--rounds 3] [--connections 16]
"""

from __future__ import annotations

import argparse

from flask import Flask

from ._harness import gunicorn, interleaved, machine, print_json, sqlite_database

SECRET = "benchmark-secret-key"  # noqa: S105 - a throwaway key for a temporary database


def bench_app() -> Flask:
    """The node plus the unprotected twin of the organisation endpoint (gunicorn factory)."""
    from app import create_app
    from app.api.operations import operation
    from app.db import get_session
    from app.schemas.parties import OrganizationOut
    from app.services import parties
    from app.services.actors import Actor

    app = create_app()

    @app.get("/bench/open/organizations/<org_id>")
    @operation(summary="unprotected twin", tag="bench", response=OrganizationOut)
    def open_organization(org_id: str) -> OrganizationOut:
        return parties.get_organization(get_session(), Actor.node(), org_id)  # type: ignore[return-value]

    return app


def _prepare(url: str) -> tuple[str, str, str]:
    """Migrate, create an operator and a consumer with a client; returns org id, client id and secret."""
    from app import create_app
    from app.db import unit_of_work
    from app.migrate import upgrade
    from app.schemas.parties import ClientCreate, OrganizationCreate
    from app.services import clients, parties
    from app.services.actors import Actor

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET})
    with app.app_context():
        upgrade()
        with unit_of_work() as session:
            org = parties.create_organization(
                session,
                Actor.node(),
                OrganizationCreate(name="Bench Consumer", kind="consumer", jurisdiction="CN"),
            )
            client, secret = clients.register_client(
                session, Actor.node(), org.id, ClientCreate(name="bench", scope="org:read")
            )
    return org.id, client.client_id, secret or ""


def _token(base: str, client_id: str, secret: str) -> str:
    import requests

    response = requests.post(
        f"{base}/oauth/token",
        data={"grant_type": "client_credentials", "scope": "org:read"},
        auth=(client_id, secret),
        timeout=10,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    with sqlite_database() as url:
        org_id, client_id, secret = _prepare(url)
        env = {
            "DXNODE_DATABASE_URL": url,
            "DXNODE_SECRET_KEY": SECRET,
            "DXNODE_BASE_URL": "http://127.0.0.1",
            "DXNODE_LOG_LEVEL": "WARNING",
        }
        with gunicorn("benchmarks.tokens:bench_app()", env, workers=args.workers) as base:
            token = _token(base, client_id, secret)
            figures = interleaved(
                {
                    "unprotected": (f"{base}/bench/open/organizations/{org_id}", {}),
                    "protected": (
                        f"{base}/api/v1/organizations/{org_id}",
                        {"Authorization": f"Bearer {token}"},
                    ),
                },
                rounds=args.rounds,
                seconds=args.seconds,
                connections=args.connections,
            )
    ratio = figures["protected"] / figures["unprotected"]
    print(f"machine: {machine()}")
    print(
        f"gunicorn {args.workers} workers, {args.connections} connections, "
        f"{args.rounds} rounds of {args.seconds:.0f} s"
    )
    print(f"{'endpoint':<14}{'requests/s':>12}")
    for name in ("unprotected", "protected"):
        print(f"{name:<14}{figures[name]:>12.0f}")
    print(f"ratio protected/unprotected: {ratio:.1%} (target >= 80%)")
    print_json(
        {"benchmark": "tokens", **{k: round(v, 1) for k, v in figures.items()}, "ratio": round(ratio, 4)}
    )


if __name__ == "__main__":
    main()
