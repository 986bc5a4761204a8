"""The exceptions of wangge: one class per error kind of the core, all under WanggeError.

Every exception carries ``code`` (the core's stable error code, e.g.
``"ticket.illegal_transition"``), ``details`` (the error's data as a dict) and each entry of
``details`` as an attribute (``ticket``, ``state``, ``action``, ``id``, ``line``, ...).
"""

from __future__ import annotations

from typing import Any, Dict


class WanggeError(Exception):
    """The root of every wangge error."""

    code: str = "wangge"
    details: Dict[str, Any]

    def __init__(self, message: str = "", *args: Any) -> None:
        super().__init__(message, *args)
        self.details = {}

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"

    def __reduce__(self):  # keeps code and details through pickling
        return (_rebuild, (type(self), self.message, self.code, self.details))


def _rebuild(cls: type, message: str, code: str, details: Dict[str, Any]) -> WanggeError:
    e = cls(message)
    e.code = code
    e.details = dict(details)
    for k, v in details.items():
        if not hasattr(e, k):
            setattr(e, k, v)
    return e


class HierarchyError(WanggeError):
    """A hierarchy mutation, query or import was refused (``hierarchy.*``)."""


class DivisionCodeError(WanggeError):
    """A statistical division code row was refused (``division.*``)."""


class TicketError(WanggeError):
    """A ticket action was refused (``ticket.*``)."""


class IllegalTransition(TicketError):
    """The lifecycle does not allow this action in the ticket's state
    (``ticket.illegal_transition``; attributes ``ticket``, ``state``, ``action``)."""


class Unauthorized(TicketError):
    """The actor may not take this action: it holds none of the roles the ledger's authority
    allows (``ticket.unauthorized``; ``allowed`` lists them). The two classes below are
    refusals of the authority too, so ``except Unauthorized`` catches every one."""


class SeparationOfDuty(Unauthorized):
    """The actor holds a role that may take the action but belongs to a set excluded from it
    (``ticket.separation_of_duty``; ``conflict`` names the set: ``handler``, ``requester``,
    ``returner`` or ``holder``)."""


class OutOfJurisdiction(Unauthorized):
    """A dispatch, a report's holder or a summons lies outside the actor's territory or the
    department's jurisdiction (``ticket.out_of_jurisdiction``; ``actor`` and ``target``)."""


class AuthorityError(WanggeError):
    """An authority document was refused (``authority.*``)."""


class LogError(WanggeError):
    """A serialized event log was refused (``log.*``)."""


class TamperedLog(LogError):
    """A log's hash chain or end record does not verify (``log.tampered``, ``log.truncated``),
    or, read with a public key, a segment is unsigned (``log.unsigned_segment``) or its
    signature does not verify (``log.bad_signature``; ``key`` and ``found`` name the keys)."""


class TaxonomyError(WanggeError):
    """A case taxonomy was refused (``taxonomy.*``)."""


class CalendarError(WanggeError):
    """A working calendar was refused (``calendar.*``)."""


class TimeError(WanggeError):
    """A time or date could not be read, or was naive (``time.*``)."""


class PolicyError(WanggeError):
    """A service or escalation policy was refused (``policy.*``)."""


class QuorumError(WanggeError):
    """A consultation (roll, rule, vote, ballot, forum record) was refused (``consultation.*``)."""


class GeoError(WanggeError):
    """A coordinate or coordinate system was refused (``geo.*``)."""


class MetricsError(WanggeError):
    """Partial metrics could not be merged (``metrics.*``): another format, or a node the
    hierarchy does not have."""


class Open311Error(WanggeError):
    """An Open311 document, or a request in it, was refused (``open311.*``): malformed, an
    error document from the server, another kind of document, or a field at fault."""


class MalformedInput(WanggeError):
    """A document or row could not be read at all (``input.malformed``)."""


class InternalError(WanggeError):
    """A bug in wangge (``internal.panic``); please report it."""


__all__ = [
    "WanggeError",
    "HierarchyError",
    "DivisionCodeError",
    "TicketError",
    "IllegalTransition",
    "Unauthorized",
    "SeparationOfDuty",
    "OutOfJurisdiction",
    "AuthorityError",
    "LogError",
    "TamperedLog",
    "TaxonomyError",
    "CalendarError",
    "TimeError",
    "PolicyError",
    "QuorumError",
    "GeoError",
    "Open311Error",
    "MalformedInput",
    "InternalError",
]
