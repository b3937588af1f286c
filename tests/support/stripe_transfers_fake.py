"""A FAKE of Stripe's ``POST /v1/transfers`` (Connect transfers), on loopback, built from recorded answers.

localstripe does not implement Connect transfers, and no other local server does, so the payout call of
our Stripe client is tested against this small fake. It is not Stripe: it answers with the response
bodies recorded in ``stripe_recorded/`` (written from the shapes in Stripe's API reference), filling
in the values of the request, and it models only what our client relies on:

- ``Authorization: Bearer sk_...`` or the recorded 401;
- the required ``amount`` (a positive integer), ``currency`` and ``destination``, or the recorded
  ``parameter_missing`` error naming the parameter;
- a ``destination`` among the connected accounts it knows, or the recorded "No such destination";
- an available balance per currency that each transfer draws down, or the recorded
  ``balance_insufficient`` error;
- Stripe's idempotency: a repeated ``Idempotency-Key`` with the same parameters replays the first
  answer (header ``Idempotent-Replayed: true``), with other parameters it is the recorded
  ``idempotency_error``.

Any other path answers 404 as Stripe does for an unknown URL.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest

from .loopback import LoopbackServer

RECORDED = Path(__file__).with_name("stripe_recorded")
#: the connected accounts (providers) the fake knows unless told otherwise
DEFAULT_ACCOUNTS = frozenset({"acct_1ProviderA0000001", "acct_1ProviderB0000002"})


def recorded(name: str) -> dict[str, Any]:
    """A recorded response body from ``stripe_recorded/<name>.json``."""
    return json.loads((RECORDED / f"{name}.json").read_text())


@dataclass(frozen=True)
class Answer:
    """A response the fake gave: status and JSON body."""

    status: int
    body: dict[str, Any]


class StripeTransfersFake(LoopbackServer):
    """A fake of Stripe's transfers endpoint on 127.0.0.1; see the module's description."""

    def __init__(
        self, balance: Mapping[str, int] | None = None, accounts: frozenset[str] = DEFAULT_ACCOUNTS
    ) -> None:
        self.balance: dict[str, int] = dict(balance or {"eur": 1_000_000, "usd": 1_000_000})
        self.accounts = set(accounts)
        self.transfers: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self._replays: dict[str, tuple[list[tuple[str, str]], Answer]] = {}
        self._lock = threading.Lock()
        super().__init__(self._handler())

    def answer(self, method: str, path: str, headers: Mapping[str, str], body: str) -> tuple[Answer, bool]:
        """The answer to one request, and whether it is a replay of an earlier one."""
        pairs = parse_qsl(body, keep_blank_values=True)
        with self._lock:
            self.requests.append({"method": method, "path": path, "headers": dict(headers), "params": pairs})
            if method != "POST" or path != "/v1/transfers":
                message = f"Unrecognized request URL ({method}: {path})."
                return Answer(404, {"error": {"type": "invalid_request_error", "message": message}}), False
            authorization = headers.get("Authorization", "")
            if not authorization.startswith("Bearer sk_"):
                return Answer(401, recorded("error_invalid_api_key")), False
            key = headers.get("Idempotency-Key")
            if key and key in self._replays:
                first_pairs, first_answer = self._replays[key]
                if first_pairs == pairs:
                    return first_answer, True
                return Answer(400, _idempotency_mismatch(key)), False
            answer = self._create(pairs)
            if key:
                self._replays[key] = (pairs, answer)
            return answer, False

    def _create(self, pairs: list[tuple[str, str]]) -> Answer:
        params = dict(pairs)
        for name in ("amount", "currency", "destination"):
            if not params.get(name):
                return Answer(400, _parameter_missing(name))
        amount_text = params["amount"]
        if not amount_text.isdigit() or int(amount_text) <= 0:
            error = {"type": "invalid_request_error", "code": "parameter_invalid_integer", "param": "amount"}
            return Answer(400, {"error": {**error, "message": "Invalid positive integer"}})
        amount, currency, destination = int(amount_text), params["currency"].lower(), params["destination"]
        if destination not in self.accounts:
            return Answer(400, _no_such_destination(destination))
        if self.balance.get(currency, 0) < amount:
            return Answer(400, recorded("error_balance_insufficient"))
        self.balance[currency] -= amount

        transfer = recorded("transfer")
        transfer_id = "tr_" + secrets.token_hex(12)
        transfer.update(
            id=transfer_id,
            amount=amount,
            currency=currency,
            destination=destination,
            created=int(time.time()),
            balance_transaction="txn_" + secrets.token_hex(12),
            destination_payment="py_" + secrets.token_hex(12),
            description=params.get("description"),
            transfer_group=params.get("transfer_group"),
            source_transaction=params.get("source_transaction"),
            metadata={k[len("metadata[") : -1]: v for k, v in pairs if k.startswith("metadata[")},
        )
        transfer["reversals"]["url"] = f"/v1/transfers/{transfer_id}/reversals"
        self.transfers.append(transfer)
        return Answer(200, transfer)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._handle()

            def do_POST(self) -> None:
                self._handle()

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                answer, replayed = fake.answer(self.command, self.path, dict(self.headers.items()), body)
                payload = json.dumps(answer.body).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Request-Id", "req_" + secrets.token_hex(7))
                if replayed:
                    self.send_header("Idempotent-Replayed", "true")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


def _parameter_missing(name: str) -> dict[str, Any]:
    body = recorded("error_parameter_missing")
    body["error"].update(param=name, message=f"Missing required param: {name}.")
    return body


def _no_such_destination(destination: str) -> dict[str, Any]:
    body = recorded("error_no_such_destination")
    body["error"]["message"] = f"No such destination: '{destination}'"
    return body


def _idempotency_mismatch(key: str) -> dict[str, Any]:
    body = recorded("error_idempotency_mismatch")
    body["error"]["message"] = body["error"]["message"].replace("'payout:example'", f"'{key}'")
    return body


@pytest.fixture
def stripe_transfers_fake() -> Iterator[StripeTransfersFake]:
    """A running fake of Stripe's transfers endpoint (a FAKE: localstripe lacks Connect transfers)."""
    with StripeTransfersFake() as fake:
        yield fake
