"""Type aliases of the wangge API: enum values as ``Literal`` string types, and the shapes of
arguments. Importable at runtime (``from wangge.types import NodeKind``)."""

from __future__ import annotations

import os
from array import array
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Mapping, Tuple, Union

from .errors import WanggeError

if TYPE_CHECKING:  # the class lives in the extension module
    from ._wangge import Authority

NodeKind = Literal[
    "province", "city", "district", "street", "town", "community", "grid", "compound",
    "building", "party_committee", "party_branch", "residents_committee", "owners_committee",
    "property_manager", "deliberation_committee", "volunteer_team", "co_building_unit",
    "department", "operations_centre", "hotline_centre", "grid_leader", "grid_worker",
    "party_member", "volunteer", "staff",
]
"""The kind of a node of the hierarchy."""

EdgeKind = Literal[
    "contains", "leads", "serves", "member_of", "jurisdiction", "supervises", "commands",
]
"""The kind of an edge of the hierarchy."""

TicketState = Literal[
    "reported", "rejected", "filed", "dispatched", "in_progress", "handled", "verified",
    "closed", "suspended", "parked", "merged",
]
"""The state of a ticket (also ``wangge.TICKET_STATES`` in code order)."""

DeadlineKind = Literal["acknowledge", "handle", "verify", "reply"]
"""A deadline of a ticket."""

ActionKind = Literal[
    "report", "confirm_on_site", "file", "reject", "reopen", "dispatch", "acknowledge", "return",
    "handle", "verify", "visit", "close", "suspend", "resume", "request_extension",
    "decide_extension", "park", "unpark", "merge", "escalate", "whistle", "sign_whistle",
    "report_whistle", "release_whistle", "record_refusal", "supervise", "remind", "set_deadline",
    "rule_fired", "recheck",
]
"""The type of a ticket action."""

Role = Literal[
    "system", "holder", "dispatcher", "territorial", "territorial_ancestor", "party",
    "supervisor", "commander", "summoned", "place",
]
"""A role relative to a ticket in an authority document."""

Conflict = Literal["handler", "requester", "returner", "holder"]
"""A set of actors excluded from some actions (separation of duties)."""

Choice = Literal["agree", "oppose", "abstain"]
"""A ballot's choice."""

ForumKind = Literal[
    "resident_consultation", "weekend_deliberation_hall", "deliberation_committee",
    "owners_assembly", "owners_committee", "residents_meeting", "other",
]
"""The kind of a consultation forum."""

MetricName = Literal[
    "received", "filed", "rejected", "closed", "due", "returns", "escalations", "whistles",
    "repeat_complaints", "closing_rate", "on_time_closing_rate", "response_rate",
    "resolution_rate", "satisfaction_rate", "mean_handling_seconds",
]
"""A metric to rank or check."""

Instant = Union[datetime, str]
"""An aware datetime or an RFC 3339 string with an offset."""

Day = Union[date, str]
"""A date or a ``YYYY-MM-DD`` string."""

Document = Union[Mapping[str, Any], str]
"""A JSON document: a dict in the core's shape, or JSON text."""

AuthorityLike = Union["Authority", Mapping[str, Any], str]
"""An authority: a ``wangge.Authority``, a preset's name (``"gbt30428"``, ``"hotline12345"``,
``"legacy_permissive"``), a ``wangge.authority`` document dict or JSON text."""

Row = Dict[str, Any]
"""A flat row (one level of columns)."""

BadRows = List[Tuple[int, WanggeError]]
"""Refused rows: ``(1-based row number, exception)``."""

PathArg = Union[str, "os.PathLike[str]"]
"""A file path."""

Packed = Union[List[int], Tuple[int, ...], "array[int]", bytes, Any]
"""Integers for the bulk entry points: a list, or a packed buffer (``array.array``, a NumPy
array, ``bytes``) of the item size the parameter names (keys ``'I'``, times ``'q'``, codes
``'B'``)."""

__all__ = [
    "NodeKind", "EdgeKind", "TicketState", "DeadlineKind", "ActionKind", "Role", "Conflict",
    "Choice", "ForumKind", "MetricName", "Instant", "Day", "Document", "AuthorityLike", "Row", "BadRows",
    "PathArg", "Packed",
]
