"""wangge: community grid governance (网格化治理) for Python.

A typed wrapper around the wangge Rust library: the governance hierarchy, tickets with a
closed-loop lifecycle and a hash-chained event log, working-time calendars, service levels
and escalation, owners' assembly votes, forum records, metrics (三率 and more) and Open311.

Conventions:

* Documents and records are plain Python data in the core's JSON shapes: camelCase keys,
  snake_case enum values (``"grid"``, ``"in_progress"``), times as RFC 3339 strings.
* Times given as arguments are aware ``datetime`` objects or RFC 3339 strings with an
  offset; naive datetimes are refused with :class:`wangge.TimeError`. Times returned on their
  own are aware datetimes at UTC+08:00.
* Every error is a :class:`wangge.WanggeError` subclass with ``code`` and ``details``.
* Bulk loaders return ``(ledger, bad_rows)`` where ``bad_rows`` is a list of
  ``(row number, exception)``; nothing is dropped silently.
* Handles are safe to share between threads, bulk calls release the GIL, and every handle
  pickles through the core's JSON formats.
"""

from __future__ import annotations

import os
from typing import Any, Optional, Tuple, Union

from . import errors, types
from ._wangge import (
    TICKET_STATES,
    ArrowStream,
    Authority,
    Calendar,
    Decisions,
    Electorate,
    EscalationPolicy,
    ForumRecords,
    Hierarchy,
    Ledger,
    Metrics,
    OwnerRoll,
    ResidentRoll,
    Rule,
    Vote,
    __version__,
    compute_metrics,
    merge_metrics,
    metrics_partial,
    convert_coords,
    instant,
    open311_arrow,
    open311_import,
    open311_import_services,
    open311_read,
    open311_services_named,
    open311_requests,
    open311_services,
    public_key,
    rule_document,
    scale_service_policy,
    service_policy_beijing,
    service_policy_document,
    service_policy_guangdong_12345,
)
from .types import BadRows
from .errors import (
    AuthorityError,
    CalendarError,
    DivisionCodeError,
    HierarchyError,
    IllegalTransition,
    InternalError,
    LogError,
    MalformedInput,
    OutOfJurisdiction,
    PolicyError,
    QuorumError,
    GeoError,
    MetricsError,
    Open311Error,
    SeparationOfDuty,
    TamperedLog,
    TaxonomyError,
    TicketError,
    TimeError,
    Unauthorized,
    WanggeError,
)



def _is_frame(obj: Any) -> bool:
    return type(obj).__name__ == "DataFrame" and hasattr(obj, "columns")


def _is_log(path: Union[str, "os.PathLike[str]"]) -> bool:
    """Whether a JSON-lines file is wangge's own hash-chained log (its lines carry digests)."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                return '"digest"' in line or line.lstrip().startswith('{"v":')
    return False


def load_events(
    hierarchy: Hierarchy,
    source: Any,
    *,
    taxonomy: Optional[Any] = None,
    authority: Optional[Any] = None,
    trusted: bool = False,
) -> Tuple[Ledger, BadRows]:
    """Loads events into a new ledger over ``hierarchy`` and returns ``(ledger, bad_rows)``.

    ``source`` is a list of flat event rows (dicts), a dict of columns, a pandas DataFrame,
    or the path of a ``.csv`` file or a ``.jsonl`` file (flat rows, one object per line, or
    wangge's own hash-chained log, which is verified as a whole and raises
    :class:`TamperedLog` if it does not verify). Bad rows are reported with their 1-based row
    (or line) number and the exception; good rows are kept. Every event is checked against
    ``authority`` (default: the ``gbt30428`` preset) unless ``trusted`` is true.
    """
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if path.endswith(".csv"):
            ledger = Ledger(hierarchy, taxonomy, authority=authority)
            return ledger, ledger.load_csv(path, trusted=trusted)
        if _is_log(path):
            log = Ledger.read_jsonl(hierarchy, path, taxonomy, authority=authority, trusted=trusted)
            return log, []
        ledger = Ledger(hierarchy, taxonomy, authority=authority)
        return ledger, ledger.load_jsonl_rows(path, trusted=trusted)
    if _is_frame(source):
        from .frames import load_frame

        return load_frame(hierarchy, source, taxonomy=taxonomy, authority=authority, trusted=trusted)
    ledger = Ledger(hierarchy, taxonomy, authority=authority)
    if isinstance(source, dict):
        return ledger, ledger.load_columns(source, trusted=trusted)
    return ledger, ledger.load_rows(source, trusted=trusted)


__all__ = [
    "__version__",
    "TICKET_STATES",
    "BadRows",
    "ArrowStream",
    "Authority",
    "Calendar",
    "Decisions",
    "Electorate",
    "EscalationPolicy",
    "ForumRecords",
    "Hierarchy",
    "Ledger",
    "Metrics",
    "OwnerRoll",
    "ResidentRoll",
    "Rule",
    "Vote",
    "compute_metrics",
    "merge_metrics",
    "metrics_partial",
    "convert_coords",
    "instant",
    "load_events",
    "open311_arrow",
    "open311_import",
    "open311_import_services",
    "open311_read",
    "open311_services_named",
    "open311_requests",
    "open311_services",
    "public_key",
    "rule_document",
    "scale_service_policy",
    "service_policy_beijing",
    "service_policy_document",
    "service_policy_guangdong_12345",
    "errors",
    "types",
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
    "MetricsError",
    "Open311Error",
    "MalformedInput",
    "InternalError",
]
