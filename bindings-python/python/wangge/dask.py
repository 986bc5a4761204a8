"""Ledgers that outgrow one machine, with Dask: events partitioned by territory as a Parquet
dataset, a ledger built per partition on the workers, the metrics of each part merged exactly
on the client.

A city's tickets split cleanly by territory: a ticket arises in one street and stays in its
district, so the ledger of one street holds all its tickets' events, and the metrics of the
city are the exact merge of the streets' (counts add; handling times pool, so percentiles are
those of the whole). :func:`wangge.metrics_partial` measures one part as a small JSON document
(``wangge.metrics_partial``); :func:`wangge.merge_metrics` merges them. This module runs that
on a Dask cluster::

    from dask.distributed import Client, LocalCluster
    from wangge import dask as wd

    wd.write_partitioned(ledger, "events/", hierarchy, level="street")
    with Client(LocalCluster(n_workers=4)) as client:
        report = wd.metrics("events/", hierarchy, calendar, options, client=client)

The hierarchy, the calendar and the policy travel to each worker once (``scatter`` with
``broadcast=True``), not with every task. Without a ``client`` the same functions run here,
one partition after another: the result is the same, which the tests check.

The same two functions run in any engine that maps a function over partitions: in Spark,
``df.groupBy("territory").applyInArrow(f, schema)`` with ``f`` building a ledger from the
Arrow table (:meth:`Ledger.load_arrow`) and returning ``metrics_partial(...)``; in Ray,
``ray.get([part.remote(p) for p in partitions])``; then :func:`wangge.merge_metrics` on the
driver.
"""

from __future__ import annotations

import os
from typing import Any, Iterable, List, NamedTuple, Optional, Sequence, Tuple, Union

from ._wangge import Calendar, EscalationPolicy, Hierarchy, Ledger, Metrics, merge_metrics, metrics_partial

__all__ = ["write_partitioned", "partitions", "part_metrics", "metrics", "Result", "part_what_if", "what_if"]

PathArg = Union[str, "os.PathLike[str]"]

#: The partition column :func:`write_partitioned` adds (a territory's node id).
TERRITORY = "territory"

#: The territory of tickets that arise outside any unit of the level (e.g. at the city).
NO_TERRITORY = "_none"

#: Schema metadata :func:`write_partitioned` puts in each file: every ticket's events come in
#: sequence in it, so a worker loads the file without sorting it first.
ORDER = (b"wangge.order", b"each ticket's events in sequence")

#: The columns of the events schema (docs/ARROW.md) that hold ids, node ids and names of
#: enumerations: read from Parquet as dictionaries, so each distinct value is decoded once
#: (and the loader resolves it once).
DICTIONARY_COLUMNS = ("ticket", "actor", "type", "category", "channel", "unit", "holder", "priority",
                      "requestType", "to", "satisfaction", "returnTo", "department", "deadline",
                      "subject", "state")


class Result(NamedTuple):
    """What :func:`metrics` returns."""

    #: The merged report: the same as measuring every partition's tickets in one ledger.
    metrics: Metrics
    #: Rows refused while building the partitions' ledgers.
    refused: int
    #: Decisions the sweeps made, over all partitions.
    decisions: int


def write_partitioned(
    ledger: Ledger,
    path: PathArg,
    hierarchy: Hierarchy,
    *,
    level: str = "street",
    batch_rows: int = 1 << 22,
    **options: Any,
) -> List[str]:
    """Writes a ledger's events as a Parquet dataset with one directory per territory
    (``territory=<id>``: the unit of ``level`` — ``street``, ``town``, ``district`` — that a
    ticket's unit lies in), every event of a ticket in its ticket's territory. Returns the
    territories written.

    The events go out ``batch_rows`` at a time (a ticket's events stay in one batch), each
    batch adding one row group to each territory's file, so memory follows the batch, not
    the ledger. ``options`` go to ``pyarrow.parquet.ParquetWriter`` (e.g.
    ``compression="zstd"``). Raises ``FileExistsError`` if ``path`` is a directory that is not
    empty (a dataset is not appended to: its partitions would hold every event twice)."""
    if os.path.isdir(path) and os.listdir(path):
        raise FileExistsError(f"{os.fspath(path)!r} is not empty: write a dataset into a new directory")
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
    import pyarrow.compute as pc  # type: ignore[import-untyped, unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-untyped, unused-ignore]

    territory_of_unit: dict = {}
    writers: dict = {}
    reader = pa.RecordBatchReader.from_stream(ledger.events_arrow(batch_rows=batch_rows))
    try:
        for batch in reader:
            table = pa.Table.from_batches([batch])
            tickets = table["ticket"].cast(pa.string())
            reports = pc.equal(table["type"].cast(pa.string()), "report")
            report_tickets = pc.filter(tickets, reports)
            report_units = pc.filter(table["unit"].cast(pa.string()), reports)
            units = pc.unique(report_units).to_pylist()
            for unit in units:
                if unit not in territory_of_unit:
                    node = hierarchy.ancestor_of_kind(unit, level)  # type: ignore[arg-type]
                    territory_of_unit[unit] = node["id"] if node else NO_TERRITORY
            unit_territory = pa.array([territory_of_unit[u] for u in units], pa.string())
            ticket_territory = pc.take(unit_territory, pc.index_in(report_units, value_set=pa.array(units, pa.string())))
            territory = pc.take(ticket_territory, pc.index_in(tickets, value_set=report_tickets))
            # Plain strings: a dictionary column would write its whole dictionary (every node
            # of the hierarchy) into every partition's file; Parquet encodes each file's
            # values by dictionary anyway.
            for i, field in enumerate(table.schema):
                if pa.types.is_dictionary(field.type):
                    table = table.set_column(i, field.name, table.column(i).cast(pa.string()))
            # Each territory's rows in one piece per batch. The sort is stable: each ticket's
            # events stay in sequence, which the files say (ORDER).
            order = pc.sort_indices(territory)
            table = table.take(order)
            table = table.replace_schema_metadata({**(table.schema.metadata or {}), ORDER[0]: ORDER[1]})
            offset = 0
            for item in pc.value_counts(pc.take(territory, order)):
                name, n = item["values"].as_py(), item["counts"].as_py()
                writer = writers.get(name)
                if writer is None:
                    directory = os.path.join(os.fspath(path), f"{TERRITORY}={name}")
                    os.makedirs(directory, exist_ok=True)
                    writer = pq.ParquetWriter(os.path.join(directory, "part-0.parquet"), table.schema, **options)
                    writers[name] = writer
                writer.write_table(table.slice(offset, n), row_group_size=n)
                offset += n
    finally:
        for writer in writers.values():
            writer.close()
    return sorted(set(territory_of_unit.values()))


def partitions(path: PathArg) -> List[str]:
    """The partition directories of a dataset written by :func:`write_partitioned`, sorted."""
    prefix = TERRITORY + "="
    return sorted(
        os.path.join(os.fspath(path), d) for d in os.listdir(path) if d.startswith(prefix)
    )


def _load(part: PathArg, hierarchy: Hierarchy, verify: bool) -> Tuple[Ledger, int]:
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
    import pyarrow.compute as pc  # type: ignore[import-untyped, unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-untyped, unused-ignore]

    files = sorted(f for f in os.listdir(part) if f.endswith(".parquet")) if os.path.isdir(part) else []
    schema = pq.read_schema(os.path.join(os.fspath(part), files[0])) if files else None
    dictionaries = [c for c in DICTIONARY_COLUMNS if schema is None or c in schema.names]
    table = pq.read_table(part, read_dictionary=dictionaries)
    if TERRITORY in table.column_names:
        table = table.drop_columns([TERRITORY])
    # Each ticket's events must come in sequence. A file written by write_partitioned says
    # they do, and is loaded as it is; should a row be refused all the same (the file was
    # rewritten in another order, keeping the metadata), it is loaded again, sorted, and that
    # load's verdicts stand. Anything else (several files, another writer) is sorted first.
    in_order = len(files) == 1 and schema is not None and (schema.metadata or {}).get(ORDER[0]) == ORDER[1]
    if in_order:
        ledger = Ledger(hierarchy)
        bad = ledger.load_arrow(table, trusted=not verify)
        if not bad:
            return ledger, 0
    if "seq" in table.column_names:
        # Sorted by the ticket's text (a dictionary column does not sort itself), then seq.
        keys = pa.table({"ticket": table["ticket"].cast(pa.string()), "seq": table["seq"]})
        table = table.take(pc.sort_indices(keys, sort_keys=[("ticket", "ascending"), ("seq", "ascending")]))
    ledger = Ledger(hierarchy)
    bad = ledger.load_arrow(table, trusted=not verify)
    return ledger, len(bad)


def part_metrics(
    part: PathArg,
    hierarchy: Hierarchy,
    calendar: Calendar,
    options: Optional[Any] = None,
    *,
    verify: bool = False,
    policy: Optional[EscalationPolicy] = None,
    sweeps: Sequence[Any] = (),
) -> Tuple[str, int, int]:
    """One partition's metrics, as a worker computes them: the ledger built from the
    partition (every event checked against the lifecycle and the authority if ``verify``,
    else trusted as history), swept by ``policy`` at each instant of ``sweeps`` if given (a
    what-if of that policy), then measured. Returns the ``wangge.metrics_partial`` document,
    the number of rows refused and the number of decisions the sweeps made."""
    ledger, bad = _load(part, hierarchy, verify)
    decisions = 0
    if policy is not None:
        for now in sweeps:
            decisions += len(policy.sweep(ledger, now=now, calendar=calendar))
    return metrics_partial(ledger, calendar, options), bad, decisions


def metrics(
    path: PathArg,
    hierarchy: Hierarchy,
    calendar: Calendar,
    options: Optional[Any] = None,
    *,
    client: Optional[Any] = None,
    verify: bool = False,
    policy: Optional[EscalationPolicy] = None,
    sweeps: Sequence[Any] = (),
    progress: bool = False,
    parts_per_task: Optional[int] = None,
) -> Result:
    """The metrics of a dataset written by :func:`write_partitioned`: each partition measured
    by :func:`part_metrics` (on the Dask ``client``'s workers, or here without one), merged
    exactly here. With ``progress``, shows a progress bar (Dask's, or tqdm's without a
    client). A task measures ``parts_per_task`` partitions one after another (by default
    enough for about four tasks per worker: a street's partition takes milliseconds, less
    than Dask's own cost of a task)."""
    parts = partitions(path)
    if client is None:
        iterator: Iterable[str] = parts
        if progress:
            from tqdm import tqdm  # type: ignore[import-untyped, unused-ignore]

            iterator = tqdm(parts, desc="partitions")
        results = [part_metrics(p, hierarchy, calendar, options, verify=verify, policy=policy, sweeps=sweeps)
                   for p in iterator]
    else:
        # Unique keys (hash=False): a second call scattering the same values must not reuse
        # keys the scheduler may still be releasing from the first.
        shared = client.scatter([hierarchy, calendar, policy], broadcast=True, hash=False)
        h, cal, pol = shared
        futures = client.map(_parts_metrics, _tasks(client, parts, parts_per_task), hierarchy=h, calendar=cal,
                             options=options, verify=verify, policy=pol, sweeps=list(sweeps), pure=False)
        if progress:
            from distributed import progress as dask_progress  # type: ignore[import-untyped, unused-ignore]

            dask_progress(futures)
        results = [r for task in client.gather(futures) for r in task]
    report = merge_metrics(hierarchy, calendar, [doc for doc, _, _ in results], options)
    return Result(report, sum(r[1] for r in results), sum(r[2] for r in results))


def part_what_if(
    part: PathArg,
    hierarchy: Hierarchy,
    calendar: Calendar,
    current: EscalationPolicy,
    levels: Any,
    alternative: EscalationPolicy,
    alternative_levels: Any,
    horizon: Any,
    *,
    verify: bool = False,
) -> dict:
    """One partition's what-if (:meth:`EscalationPolicy.what_if`: the current service levels
    and policy against an alternative, over the partition's history): its totals."""
    ledger, _ = _load(part, hierarchy, verify)
    report = current.what_if(ledger, policy=levels, calendar=calendar, alternative=alternative,
                             alternative_policy=alternative_levels, horizon=horizon)
    return dict(report["totals"])


def what_if(
    path: PathArg,
    hierarchy: Hierarchy,
    calendar: Calendar,
    *,
    current: EscalationPolicy,
    levels: Any,
    alternative: EscalationPolicy,
    alternative_levels: Any,
    horizon: Any,
    client: Optional[Any] = None,
    verify: bool = False,
    parts_per_task: Optional[int] = None,
) -> dict:
    """The what-if of an alternative (service levels, policy) over a dataset written by
    :func:`write_partitioned`, partition by partition (on the ``client``'s workers, or here;
    ``parts_per_task`` as for :func:`metrics`): the totals of every partition added, which
    are the totals over the whole ledger (each ticket is analysed within its own
    partition)."""
    parts = partitions(path)
    if client is None:
        totals = [part_what_if(p, hierarchy, calendar, current, levels, alternative, alternative_levels,
                               horizon, verify=verify) for p in parts]
    else:
        h, cal, cur, alt = client.scatter([hierarchy, calendar, current, alternative], broadcast=True, hash=False)
        futures = client.map(_parts_what_if, _tasks(client, parts, parts_per_task), hierarchy=h, calendar=cal,
                             current=cur, levels=levels, alternative=alt, alternative_levels=alternative_levels,
                             horizon=horizon, verify=verify, pure=False)
        totals = [t for task in client.gather(futures) for t in task]
    merged: dict = {}
    for t in totals:
        for key, value in t.items():
            merged[key] = merged.get(key, 0) + value
    return merged


def _tasks(client: Any, parts: List[str], parts_per_task: Optional[int]) -> List[List[str]]:
    """The partitions in groups, one group a task: ``parts_per_task`` each, or by default
    about four tasks per worker (fewer, longer tasks than partitions: Dask's cost per task
    is about that of measuring a street)."""
    if parts_per_task is None:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        parts_per_task = max(1, -(-len(parts) // (4 * workers)))
    if parts_per_task < 1:
        raise ValueError(f"parts_per_task must be at least 1, not {parts_per_task}")
    return [parts[i:i + parts_per_task] for i in range(0, len(parts), parts_per_task)]


def _parts_metrics(parts: Sequence[str], **kwargs: Any) -> List[Tuple[str, int, int]]:
    return [part_metrics(p, **kwargs) for p in parts]


def _parts_what_if(parts: Sequence[str], **kwargs: Any) -> List[dict]:
    return [part_what_if(p, **kwargs) for p in parts]
