"""Ledgers split by territory: partial metrics merged exactly, in this process and on a real
Dask LocalCluster with two worker processes (dask[distributed] is installed by
scripts/python.sh setup)."""

from __future__ import annotations

import os
import random

import pytest

import wangge
from conftest import T

pa = pytest.importorskip("pyarrow")
distributed = pytest.importorskip("distributed")
from wangge import dask as wd  # noqa: E402

STREETS = ["s1", "s2", "s3"]
OPTIONS = {"groupBy": {"level": "district"}, "periodBy": "day"}


def city() -> wangge.Hierarchy:
    """One district of three streets, each with a community of two grids, under an
    operations centre that supervises and commands the district."""
    h = wangge.Hierarchy()
    h.add("c", "city", "市")
    h.add("d", "district", "区")
    h.contain("c", "d")
    for s in STREETS:
        h.add(s, "street", f"{s}街道")
        h.contain("d", s)
        h.add(f"{s}.c", "community", f"{s}社区")
        h.contain(s, f"{s}.c")
        for g in ("g1", "g2"):
            h.add(f"{s}.{g}", "grid", f"{s}{g}")
            h.contain(f"{s}.c", f"{s}.{g}")
    h.add("zx", "operations_centre", "区中心")
    h.supervise("zx", "d")
    h.command("zx", "d")
    return h


def city_ledger(h: wangge.Hierarchy, n: int = 120, seed: int = 5) -> wangge.Ledger:
    """Tickets in every grid, most closed (some unsatisfied, some still open), over days."""
    rnd = random.Random(seed)
    ledger = wangge.Ledger(h)
    grids = [f"{s}.{g}" for s in STREETS for g in ("g1", "g2")]
    for i in range(n):
        g = rnd.choice(grids)
        t0 = 60 * 24 * rnd.randrange(5) + rnd.randrange(600)
        tid = f"T{i:04}"
        ledger.report({"id": tid, "category": "livelihood.repair", "unit": g}, actor=g, at=T(t0))
        steps = [("zx", {"type": "file"}), ("zx", {"type": "dispatch", "to": g}), (g, {"type": "acknowledge"})]
        if rnd.random() < 0.8:
            steps += [(g, {"type": "handle", "outcome": "done"}),
                      (f"{g.split('.')[0]}.c", {"type": "verify", "passed": True}),
                      ("zx", {"type": "visit", "satisfaction": rnd.choice(["satisfied", "basically_satisfied", "unsatisfied"])})]
        for m, (actor, action) in enumerate(steps, start=1):
            ledger.apply(tid, actor=actor, at=T(t0 + 30 * m + rnd.randrange(20)), action=action)
    return ledger


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    h = city()
    ledger = city_ledger(h)
    path = tmp_path_factory.mktemp("events")
    assert wd.write_partitioned(ledger, path, h, level="street") == STREETS
    return h, ledger, path


def test_partials_merge_to_the_whole(dataset, calendar):
    h, ledger, path = dataset
    assert [p.rsplit("=", 1)[1] for p in wd.partitions(path)] == STREETS
    with pytest.raises(FileExistsError):
        wd.write_partitioned(ledger, path, h, level="street")
    whole = wangge.Metrics(ledger, calendar, OPTIONS).report()
    merged, bad, decisions = wd.metrics(path, h, calendar, OPTIONS, verify=True)
    assert bad == 0 and decisions == 0
    assert merged.report() == whole
    # Each part alone is not the whole: the merge is what makes it.
    doc, _, _ = wd.part_metrics(wd.partitions(path)[0], h, calendar, OPTIONS)
    alone = wangge.merge_metrics(h, calendar, [doc], OPTIONS).report()
    assert alone["rows"][0]["counts"]["received"] < whole["rows"][0]["counts"]["received"]


def test_a_dataset_written_in_small_batches_is_the_same(dataset, calendar, tmp_path):
    import pyarrow.parquet as pq

    h, ledger, path = dataset
    small = tmp_path / "small"
    assert wd.write_partitioned(ledger, small, h, level="street", batch_rows=50) == STREETS
    for a, b in zip(wd.partitions(path), wd.partitions(small)):
        one, many = pq.ParquetFile(os.path.join(a, "part-0.parquet")), pq.ParquetFile(os.path.join(b, "part-0.parquet"))
        assert many.metadata.num_row_groups > one.metadata.num_row_groups
        key = [("ticket", "ascending"), ("seq", "ascending")]
        assert one.read().sort_by(key).equals(many.read().sort_by(key))
    merged, bad, _ = wd.metrics(small, h, calendar, OPTIONS, verify=True)
    assert bad == 0 and merged.report() == wangge.Metrics(ledger, calendar, OPTIONS).report()


def test_partitions_in_another_order_are_sorted_first(dataset, calendar, tmp_path):
    """A partition rewritten in another order (its rows shuffled, the file's metadata kept,
    or written without it) loads the same: sorted first, or again when a row is refused."""
    import pyarrow.parquet as pq

    h, ledger, path = dataset
    rnd = random.Random(5)
    for keep_metadata in (True, False):
        out = tmp_path / f"shuffled-{keep_metadata}"
        for part in wd.partitions(path):
            table = pq.read_table(os.path.join(part, "part-0.parquet"))
            assert table.schema.metadata[wd.ORDER[0]] == wd.ORDER[1]
            order = list(range(table.num_rows))
            rnd.shuffle(order)
            table = table.take(order)
            if not keep_metadata:
                table = table.replace_schema_metadata({})
            target = out / os.path.basename(part)
            target.mkdir(parents=True)
            pq.write_table(table, target / "part-0.parquet")
        merged, bad, _ = wd.metrics(out, h, calendar, OPTIONS, verify=True)
        assert bad == 0 and merged.report() == wangge.Metrics(ledger, calendar, OPTIONS).report()


def test_partial_documents_are_checked(dataset, calendar):
    h, ledger, _ = dataset
    doc = wangge.metrics_partial(ledger, calendar, OPTIONS)
    with pytest.raises(wangge.MetricsError) as e:
        wangge.merge_metrics(wangge.Hierarchy(), calendar, [doc], OPTIONS)
    assert e.value.code == "metrics.unknown_node"
    with pytest.raises(wangge.MetricsError) as e:
        wangge.merge_metrics(h, calendar, [doc.replace('"version":1', '"version":9')], OPTIONS)
    assert e.value.code == "metrics.unsupported_format"
    with pytest.raises(wangge.MalformedInput):
        wangge.merge_metrics(h, calendar, ["{"], OPTIONS)


def test_on_a_local_cluster_with_two_worker_processes(dataset, calendar):
    from distributed import Client, LocalCluster

    h, ledger, path = dataset
    whole = wangge.Metrics(ledger, calendar, OPTIONS).report()
    policy = wangge.EscalationPolicy.standard()
    sweeps = [T(60 * 24 * d) for d in range(1, 8)]
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        merged = wd.metrics(path, h, calendar, OPTIONS, client=client, verify=True)
        assert merged.refused == 0 and merged.metrics.report() == whole
        # A what-if on the workers: the same decisions and report as the same sweeps here,
        # and as over the whole ledger in one piece.
        what_if = wd.metrics(path, h, calendar, OPTIONS, client=client, policy=policy, sweeps=sweeps)
        # Partitions grouped into tasks: the same.
        grouped = wd.metrics(path, h, calendar, OPTIONS, client=client, policy=policy, sweeps=sweeps,
                             parts_per_task=2)
        assert grouped == what_if
        with pytest.raises(ValueError):
            wd.metrics(path, h, calendar, OPTIONS, client=client, parts_per_task=0)
    here = wd.metrics(path, h, calendar, OPTIONS, policy=policy, sweeps=sweeps)
    assert what_if.metrics.report() == here.metrics.report()
    # The what-if of stricter service levels, partition by partition, adds up to the what-if
    # over the whole ledger.
    levels = {"name": "now", "rules": [{"name": "all", "targets": {"handle": {"workingHours": 4}}}]}
    stricter = {"name": "stricter", "rules": [{"name": "all", "targets": {"handle": {"workingHours": 1}}}]}
    args = dict(current=policy, levels=levels, alternative=policy, alternative_levels=stricter, horizon=T(60 * 24 * 9))
    whole_what_if = policy.what_if(ledger, policy=levels, calendar=calendar, alternative=policy,
                                   alternative_policy=stricter, horizon=T(60 * 24 * 9))["totals"]
    assert whole_what_if["breachesAlternative"] > whole_what_if["breachesBaseline"]
    assert wd.what_if(path, h, calendar, **args) == dict(whole_what_if)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        assert wd.what_if(path, h, calendar, client=client, **args) == dict(whole_what_if)
        assert wd.what_if(path, h, calendar, client=client, parts_per_task=3, **args) == dict(whole_what_if)
    fresh = city_ledger(h)  # the fixture's ledger stays as written
    decisions = sum(len(policy.sweep(fresh, now=t, calendar=calendar)) for t in sweeps)
    assert what_if.decisions == here.decisions == decisions > 0
    assert what_if.metrics.report() == wangge.Metrics(fresh, calendar, OPTIONS).report()
