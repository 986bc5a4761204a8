"""pandas helpers: DataFrames in and out. pandas is imported only when one of these is called.

Every figure is computed by the core; these functions only move columns between the core's
flat rows and DataFrames. Instant columns come out as timezone-aware ``datetime64`` columns
at UTC+08:00; going in, timezone-aware ``datetime64`` columns are accepted (naive ones are
refused with :class:`wangge.TimeError`), as are RFC 3339 strings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, Optional, Tuple

from ._wangge import Decisions, Hierarchy, Ledger, Metrics, open311_requests
from .errors import WanggeError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd  # type: ignore[import-untyped, unused-ignore]

__all__ = [
    "load_frame",
    "events_frame",
    "tickets_frame",
    "decisions_frame",
    "metrics_frame",
    "open311_frame",
]

_TIME_SUFFIXES = ("At", "at")
_TIME_PREFIXES = ("deadline",)


def _pd() -> Any:
    import pandas

    return pandas


def _is_time_column(name: str) -> bool:
    return name == "at" or name.endswith(_TIME_SUFFIXES) or name.startswith(_TIME_PREFIXES)


def _times(frame: "pd.DataFrame") -> "pd.DataFrame":
    pd = _pd()
    for name in frame.columns:
        column = frame[name]
        textual = column.dtype == object or pd.api.types.is_string_dtype(column.dtype)
        if _is_time_column(str(name)) and textual:
            frame[name] = pd.to_datetime(frame[name], utc=True).dt.tz_convert("+08:00")
    return frame


def _columns(df: "pd.DataFrame") -> Tuple[dict, List[str]]:
    """A DataFrame as columns of plain Python values; aware datetime columns as Unix seconds."""
    pd = _pd()
    cols: dict = {}
    epoch: List[str] = []
    for name in df.columns:
        s = df[name]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            if getattr(s.dt, "tz", None) is None:
                first = s.dropna()
                if len(first):
                    # The core refuses a naive datetime with its own TimeError.
                    from ._wangge import instant

                    instant(first.iloc[0].to_pydatetime())
                cols[str(name)] = [None] * len(s)
                continue
            origin = pd.Timestamp(0, tz="UTC")
            secs = (s.dt.tz_convert("UTC") - origin) // pd.Timedelta(seconds=1)
            if s.isna().any():
                values = secs.astype("Int64").astype(object).where(s.notna(), None).tolist()
            else:
                values = secs.astype("int64").tolist()
            cols[str(name)] = values
            epoch.append(str(name))
        else:
            cols[str(name)] = s.astype(object).where(s.notna(), None).tolist()
    return cols, epoch


def load_frame(
    target: Any,
    df: "pd.DataFrame",
    *,
    taxonomy: Optional[Any] = None,
    authority: Optional[Any] = None,
    trusted: bool = False,
) -> Tuple[Ledger, List[Tuple[int, WanggeError]]]:
    """Loads flat event rows from a DataFrame. ``target`` is a :class:`Hierarchy` (a new
    ledger is made, under ``authority``) or a :class:`Ledger` (rows are added to it). Every
    row is checked against the ledger's authority unless ``trusted``. Returns
    ``(ledger, bad_rows)`` with 1-based row positions."""
    ledger = target if isinstance(target, Ledger) else Ledger(target, taxonomy, authority=authority)
    table = _arrow_of(df)
    if table is not None:
        try:
            return ledger, ledger.load_arrow(table, trusted=trusted)
        except WanggeError as e:
            if getattr(e, "code", "") != "input.column_type":
                raise
    cols, epoch = _columns(df)
    return ledger, ledger.load_columns(cols, epoch_seconds=epoch, trusted=trusted)


def _arrow_of(df: "pd.DataFrame") -> Any:
    """The frame as a pyarrow Table for :meth:`Ledger.load_arrow`, or ``None`` (no pyarrow, a
    column pyarrow cannot convert, or a naive datetime column: the columns path then reads
    the frame and gives its verdict)."""
    try:
        import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
    except ImportError:  # pragma: no cover
        return None
    pd = _pd()
    for name in df.columns:
        s = df[name]
        if pd.api.types.is_datetime64_any_dtype(s.dtype) and getattr(s.dt, "tz", None) is None:
            return None
    try:
        return pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        return None


def _through_arrow(stream: Any, columns: Any, dtype_backend: str) -> "pd.DataFrame":
    """A frame from an Arrow stream (``Ledger.events_arrow`` or ``tickets_arrow``, called
    only with pyarrow installed) or, without pyarrow, from the flat columns."""
    if dtype_backend not in ("numpy", "pyarrow"):
        raise ValueError(f"dtype_backend must be 'numpy' or 'pyarrow', not {dtype_backend!r}")
    try:
        import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
    except ImportError:  # pragma: no cover - pyarrow is optional
        return _times(_pd().DataFrame(columns()))
    table = pa.table(stream())
    if dtype_backend == "pyarrow":
        return table.to_pandas(types_mapper=_pd().ArrowDtype)
    return table.to_pandas()


def events_frame(ledger: Ledger, *, dtype_backend: str = "numpy") -> "pd.DataFrame":
    """Every event as a flat row. With pyarrow installed, built through Arrow: with
    ``dtype_backend="numpy"`` ids, nodes and names are categoricals and instants
    ``datetime64[s, UTC+08:00]``; with ``dtype_backend="pyarrow"`` (as pandas' own readers
    say it) the columns stay Arrow arrays (``pd.ArrowDtype``), without a copy. Without
    pyarrow, from :meth:`Ledger.event_columns`."""
    return _through_arrow(ledger.events_arrow, ledger.event_columns, dtype_backend)


def tickets_frame(ledger: Ledger, *, dtype_backend: str = "numpy") -> "pd.DataFrame":
    """Every ticket as a flat row (deadlines as ``deadline<Kind>`` columns). With pyarrow
    installed, built through Arrow (``dtype_backend`` as for :func:`events_frame`); without
    it, from :meth:`Ledger.ticket_columns`."""
    return _through_arrow(ledger.tickets_arrow, ledger.ticket_columns, dtype_backend)


def decisions_frame(decisions: Decisions) -> "pd.DataFrame":
    """The decisions of the escalation engine, one row each (nested values flattened)."""
    pd = _pd()
    return pd.json_normalize(decisions.to_list())


def metrics_frame(metrics: Metrics, what: str = "rows") -> "pd.DataFrame":
    """A metrics report as a DataFrame: ``"rows"`` (one per group and period),
    ``"departments"`` (whistle punctuality) or ``"grids"`` (grid load)."""
    pd = _pd()
    if what == "rows":
        return pd.DataFrame(metrics.rows())
    if what == "departments":
        return pd.DataFrame(metrics.departments())
    if what == "grids":
        return pd.DataFrame(metrics.grids())
    raise ValueError(f"what must be 'rows', 'departments' or 'grids', not {what!r}")


def open311_frame(ledger: Ledger) -> "pd.DataFrame":
    """Every ticket as an Open311 GeoReport v2 service request."""
    return _pd().json_normalize(open311_requests(ledger))
