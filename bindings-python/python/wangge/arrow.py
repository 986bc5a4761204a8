"""Arrow and Parquet: a ledger's events as an Arrow table, and ledgers loaded from Arrow
tables and Parquet files. pyarrow is imported only when one of these is called.

The columns are built by the core (schema ``wangge.events`` version 1, documented in
``docs/ARROW.md``): ids, nodes and names are dictionary-encoded strings, instants are
``timestamp[s, tz=+08:00]``. :meth:`Ledger.events_arrow` hands them over through the Arrow
PyCapsule interface, so pyarrow, polars and DuckDB take them without a copy; these helpers
add the pyarrow and Parquet steps an analyst would otherwise write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, Optional, Tuple, Union

from ._wangge import Hierarchy, Ledger
from .errors import WanggeError

if TYPE_CHECKING:  # pragma: no cover
    import os

    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

__all__ = ["events_table", "tickets_table", "load_table", "write_parquet", "read_parquet"]


def _pa() -> Any:
    import pyarrow  # type: ignore[import-untyped, unused-ignore]

    return pyarrow


def events_table(ledger: Ledger, *, batch_rows: int = 1 << 20) -> "pa.Table":
    """Every event of a ledger as a pyarrow Table (no copy of the columns)."""
    return _pa().table(ledger.events_arrow(batch_rows=batch_rows))


def tickets_table(ledger: Ledger) -> "pa.Table":
    """Every ticket of a ledger as a pyarrow Table (schema ``wangge.tickets`` v1)."""
    return _pa().table(ledger.tickets_arrow())


def _ledger(target: Union[Hierarchy, Ledger], taxonomy: Optional[Any], authority: Optional[Any]) -> Ledger:
    return target if isinstance(target, Ledger) else Ledger(target, taxonomy, authority=authority)


def load_table(
    target: Union[Hierarchy, Ledger],
    data: Any,
    *,
    taxonomy: Optional[Any] = None,
    authority: Optional[Any] = None,
    trusted: bool = False,
) -> Tuple[Ledger, List[Tuple[int, WanggeError]]]:
    """Loads events from an Arrow table or stream (anything with ``__arrow_c_stream__``).
    ``target`` is a :class:`Hierarchy` (a new ledger is made, under ``authority``) or a
    :class:`Ledger` (rows are added to it). Returns ``(ledger, bad_rows)``."""
    ledger = _ledger(target, taxonomy, authority)
    return ledger, ledger.load_arrow(data, trusted=trusted)


def write_parquet(ledger: Ledger, path: "Union[str, os.PathLike[str]]", **options: Any) -> None:
    """Writes a ledger's events to a Parquet file (``options`` go to
    ``pyarrow.parquet.write_table``, e.g. ``compression="zstd"``)."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped, unused-ignore]

    pq.write_table(events_table(ledger), path, **options)


def read_parquet(
    target: Union[Hierarchy, Ledger],
    path: "Union[str, os.PathLike[str]]",
    *,
    taxonomy: Optional[Any] = None,
    authority: Optional[Any] = None,
    trusted: bool = False,
    **options: Any,
) -> Tuple[Ledger, List[Tuple[int, WanggeError]]]:
    """Loads the events of a Parquet file or dataset directory (``options`` go to
    ``pyarrow.parquet.read_table``, e.g. ``filters=[("ticket", "in", ids)]``); see
    :func:`load_table`."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped, unused-ignore]

    return load_table(target, pq.read_table(path, **options), taxonomy=taxonomy, authority=authority, trusted=trusted)
