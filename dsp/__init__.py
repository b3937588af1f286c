"""The Dataspace Protocol 2025-1 as a library: schemas, the negotiation state machine, messages.

A pure library (no Flask, no database, no network). The entry points:

- :mod:`dsp.validate`: ``validate_message`` against the official JSON schemas (local copies in
  ``dsp/schemas/``), raising ``MessageError`` with the JSON path and the reason.
- :mod:`dsp.negotiation`: the contract negotiation state machine as data; ``next_state`` raises
  ``TransitionError`` listing the allowed transitions.
- :mod:`dsp.messages` and :mod:`dsp.catalog_messages`: builders for what the node sends;
  :mod:`dsp.policies`: ODRL policies in the DSP shape; :mod:`dsp.parsing`: what the node accepts.
- :mod:`dsp.contexts`: the DSP JSON-LD contexts from local copies, for offline JSON-LD processing.
"""

from dsp.catalog_messages import (
    catalog_document,
    catalog_error,
    catalog_request_message,
    dataset_document,
    dataset_request_message,
    version_document,
)
from dsp.contexts import CONTEXT_FILES, local_context
from dsp.messages import (
    DSP_CONTEXT,
    agreement_verification_message,
    contract_agreement_message,
    contract_negotiation,
    contract_negotiation_error,
    contract_offer_message,
    contract_request_message,
    negotiation_event_message,
    termination_message,
)
from dsp.negotiation import (
    TRANSITIONS,
    NegotiationMessage,
    NegotiationState,
    Role,
    Transition,
    TransitionError,
    allowed_transitions,
    is_terminal,
    message_kind,
    next_state,
)
from dsp.parsing import (
    AgreementVerification,
    CatalogRequest,
    ContractAgreement,
    ContractOffer,
    ContractRequest,
    DatasetRequest,
    NegotiationErrorReport,
    NegotiationEvent,
    NegotiationSnapshot,
    NegotiationTermination,
    ParsedMessage,
    parse_message,
)
from dsp.policies import catalog_offer, dsp_agreement, dsp_offer, xsd_datetime
from dsp.validate import MessageError, infer_kind, validate_message

__all__ = [
    "CONTEXT_FILES",
    "DSP_CONTEXT",
    "TRANSITIONS",
    "AgreementVerification",
    "CatalogRequest",
    "ContractAgreement",
    "ContractOffer",
    "ContractRequest",
    "DatasetRequest",
    "MessageError",
    "NegotiationErrorReport",
    "NegotiationEvent",
    "NegotiationMessage",
    "NegotiationSnapshot",
    "NegotiationState",
    "NegotiationTermination",
    "ParsedMessage",
    "Role",
    "Transition",
    "TransitionError",
    "agreement_verification_message",
    "allowed_transitions",
    "catalog_document",
    "catalog_error",
    "catalog_offer",
    "catalog_request_message",
    "contract_agreement_message",
    "contract_negotiation",
    "contract_negotiation_error",
    "contract_offer_message",
    "contract_request_message",
    "dataset_document",
    "dataset_request_message",
    "dsp_agreement",
    "dsp_offer",
    "infer_kind",
    "is_terminal",
    "local_context",
    "message_kind",
    "negotiation_event_message",
    "next_state",
    "parse_message",
    "termination_message",
    "validate_message",
    "version_document",
    "xsd_datetime",
]
