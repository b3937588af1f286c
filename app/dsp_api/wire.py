"""What the DSP endpoints share: reading a message off the wire, and answering a refusal in DSP terms.

Views raise :class:`~app.errors.Problem` like everywhere else in the node; the blueprints turn a
Problem into the DSP error body (ContractNegotiationError or CatalogError) and the status the HTTPS
binding asks for: 404 stays 404, 401 and a missing scope keep their status and challenge, and any
other refusal (a message the schema refuses, a transition the state does not allow, a request the
offer's policy does not permit, a conflict) is 400.
"""

from __future__ import annotations

from typing import Any

from flask import Response, json, request

from dsp import MessageError, ParsedMessage, catalog_error, contract_negotiation_error, parse_message

from ..errors import Problem

BASE_PATH = "/dsp/2025-1"
KEPT_STATUSES = (401, 404)


def service_id(base_url: str) -> str:
    """The identifier of the node's DSP endpoint as a DataService: its URL."""
    return base_url + BASE_PATH


def read_message(kind: str) -> ParsedMessage:
    """The request body as a DSP message of `kind`, checked against its official schema (400 naming where)."""
    body = request.get_json(force=True, silent=True)
    if body is None:
        raise Problem(400, f"the body is not a JSON {kind}", slug="invalid-message")
    try:
        return parse_message(body, expected=kind)
    except MessageError as error:
        raise Problem(
            400,
            f"{error.path}: {error.reason}",
            slug="invalid-message",
            errors=[{"field": path, "reason": reason} for path, reason in error.problems],
        ) from None


def dsp_json(document: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A DSP document as `application/json`."""
    return Response(json.dumps(document), status=status, mimetype="application/json", headers=headers)


def negotiation_error(problem: Problem, provider_pid: str = "", consumer_pid: str = "") -> Response:
    """A refusal as a ContractNegotiationError; the pids are empty where no negotiation is known."""
    body = contract_negotiation_error(
        provider_pid=provider_pid, consumer_pid=consumer_pid, code=problem.slug, reasons=_reasons(problem)
    )
    return dsp_json(body, _status(problem), problem.headers)


def catalog_refusal(problem: Problem) -> Response:
    """A refusal as a CatalogError."""
    return dsp_json(catalog_error(problem.slug, _reasons(problem)), _status(problem), problem.headers)


def _status(problem: Problem) -> int:
    if problem.status in KEPT_STATUSES or problem.slug == "insufficient-scope" or problem.status >= 500:
        return problem.status
    return 400


def _reasons(problem: Problem) -> list[str]:
    reasons = [problem.detail]
    reasons += [
        f"{e['field']}: {e['reason']}" for e in problem.errors if str(e.get("reason")) not in problem.detail
    ]
    allowed = problem.extra.get("allowed")
    for step in allowed if isinstance(allowed, list) else []:
        if isinstance(step, dict) and step.get("sender") == "consumer":
            reasons.append(f"the consumer may send {step['message']} to {step['endpoint']}")
    return reasons
