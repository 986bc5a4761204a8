"""A city-year for analysts: a synthetic year of a city's hotline and grid cases (the
workload of benches/python/city_year.py: 16 districts, 330 streets, 7,000 communities, 30,000
grids, daily escalation sweeps), written as Parquet partitioned by street, then measured on a
Dask cluster: the 三率 by street and month, the most overloaded grids, and a what-if of a
stricter handling deadline. Two plots for the report are saved as PNG.

    python examples/python/city_year_analyst.py                       # 1,000,000 tickets (~9 M events)
    python examples/python/city_year_analyst.py --tickets 21400000    # Beijing's 12345 in 2023 (~8 GB)
    python examples/python/city_year_analyst.py --tickets 20000 --workers 2 --out /tmp/cy   # quick

Every figure is computed by the wangge core (on the workers); this script makes the data,
merges, prints and draws. `make test` runs it small.
"""

from __future__ import annotations

import argparse
import pathlib
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List

import wangge
from wangge import dask as wd

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benches" / "python"))
import city_year as workload  # noqa: E402  (the benchmark's generator, shared)

CST = timezone(timedelta(hours=8))


def rate(num: int, den: int) -> float:
    return num / den if den else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tickets", type=int, default=1_000_000, help="tickets in the year (default 1,000,000)")
    ap.add_argument("--workers", type=int, default=2, help="Dask worker processes (0: in this process)")
    ap.add_argument("--out", default=None, help="where the Parquet dataset and the plots go (default: a temporary directory)")
    ap.add_argument("--compare", action="store_true", help="also time the metrics on 1 worker, for the speed-up")
    args = ap.parse_args()
    out = pathlib.Path(args.out or tempfile.mkdtemp(prefix="wangge-city-year-"))
    out.mkdir(parents=True, exist_ok=True)
    quiet = not sys.stderr.isatty()

    # 1. The year, simulated through the Python API (a progress bar over the days).
    t = time.perf_counter()
    year = workload.simulate(args.tickets, progress=not quiet)
    ledger, h, cal = year["ledger"], year["hierarchy"], year["calendar"]
    print(f"simulated {args.tickets:,} tickets, {ledger.event_count:,} events in {time.perf_counter() - t:.1f} s")

    # 2. Parquet, one directory per street.
    t = time.perf_counter()
    dataset = out / "events"
    streets = wd.write_partitioned(ledger, dataset, h, level="street")
    size = sum(f.stat().st_size for f in dataset.rglob("*.parquet"))
    print(f"wrote {len(streets)} street partitions, {size / 1e6:,.1f} MB of Parquet in {time.perf_counter() - t:.1f} s")
    whole_events = ledger.event_count
    del ledger, year  # the analysis below reads the dataset, as it would a real one

    # 3. On the cluster: the 三率 by street and month, and the load by grid.
    by_street = {"groupBy": {"level": "street"}, "periodBy": "month"}
    by_grid = {"groupBy": {"level": "grid"}, "periodBy": "all"}
    client = cluster = None
    if args.workers > 0:
        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=40)
        client = Client(cluster)
        client.run(warm_up)
    try:
        t = time.perf_counter()
        streets_report = wd.metrics(dataset, h, cal, by_street, client=client, progress=not quiet)
        t_metrics = time.perf_counter() - t
        grids_report = wd.metrics(dataset, h, cal, by_grid, client=client)
        print(f"metrics by street and month on {args.workers or 'no'} worker(s): {t_metrics:.1f} s "
              f"({whole_events / t_metrics / 1e6:.2f} M events/s), {streets_report.refused} rows refused")
        if args.compare and client is not None and args.workers > 1:
            from distributed import Client, LocalCluster

            with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                              silence_logs=40) as one, Client(one) as single:
                single.run(warm_up)
                t = time.perf_counter()
                again = wd.metrics(dataset, h, cal, by_street, client=single)
                t_one = time.perf_counter() - t
            assert again.metrics.report() == streets_report.metrics.report()
            print(f"  on 1 worker: {t_one:.1f} s; {args.workers} workers are {t_one / t_metrics:.2f}x faster")

        # 4. A what-if: handling within 3 working days instead of 5.
        stricter = {"name": "stricter", "rules": [{"name": "all", "targets": {
            "acknowledge": {"workingHours": 2}, "handle": {"workingDays": 3}}}]}
        horizon = datetime(2026, 3, 1, tzinfo=CST)
        t = time.perf_counter()
        totals = wd.what_if(dataset, h, cal, current=year_policy(), levels=workload_levels(),
                            alternative=year_policy(), alternative_levels=stricter, horizon=horizon, client=client)
        print(f"what-if (5 → 3 working days to handle) in {time.perf_counter() - t:.1f} s: breached tickets "
              f"{totals['breachedBaseline']:,} → {totals['breachedAlternative']:,}, escalations "
              f"{totals['escalationsBaseline']:,} → {totals['escalationsAlternative']:,}")
        if client is not None:
            peaks = client.run(peak_rss_mib)
            print("peak RSS per worker: " + ", ".join(f"{v:,.0f} MiB" for v in peaks.values()))
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

    # 5. What an analyst reads off: the 三率 by month (city-wide), the weakest streets, the
    #    most loaded grids.
    rows = streets_report.metrics.rows()
    months: Dict[str, Dict[str, int]] = {}
    for r in rows:
        m = months.setdefault(r["period"], {"received": 0, "signed": 0, "signedOnTime": 0, "visited": 0,
                                            "resolved": 0, "satisfied": 0, "basicallySatisfied": 0, "due": 0,
                                            "closedOnTime": 0})
        for k in m:
            m[k] += r[f"counts_{k}"]
    # The months of the year: a month after it holds only the tail of the last tickets (a
    # handful, whose rates say nothing), so it is left out of the plot.
    busiest = max(m["received"] for m in months.values())
    labels = sorted(p for p, m in months.items() if m["received"] >= busiest / 100)
    response = [rate(months[p]["signedOnTime"], months[p]["signed"]) for p in labels]
    resolution = [rate(months[p]["resolved"], months[p]["visited"]) for p in labels]
    satisfaction = [rate(months[p]["satisfied"] + months[p]["basicallySatisfied"], months[p]["visited"]) for p in labels]
    on_time = [rate(months[p]["closedOnTime"], months[p]["due"]) for p in labels]
    year_rows: Dict[str, List[int]] = {}
    for r in rows:
        acc = year_rows.setdefault(r["group"], [0, 0])
        acc[0] += r["counts_signedOnTime"]
        acc[1] += r["counts_signed"]
    weakest = sorted(year_rows.items(), key=lambda kv: rate(kv[1][0], kv[1][1]))[:5]
    print("weakest response rates (street, on time / signed): "
          + ", ".join(f"{s} {rate(a, b):.3f}" for s, (a, b) in weakest))
    grid_rows = sorted(grids_report.metrics.rows(), key=lambda r: -r["counts_received"])
    top = grid_rows[:15]
    print("most loaded grids (received in the year): "
          + ", ".join(f"{r['group']} {r['counts_received']:,}" for r in top[:5]))

    # 6. Two plots for the report.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 5.2))
    ax.plot(labels, response, marker="o", label="response rate (signed on time)")
    ax.plot(labels, resolution, marker="s", label="resolution rate")
    ax.plot(labels, satisfaction, marker="^", label="satisfaction rate")
    ax.plot(labels, on_time, marker="d", label="on-time closing rate")
    low = min(v for v in response + resolution + satisfaction + on_time if v == v)
    ax.set_ylim(max(0.0, low - 0.02), 1.005)
    # The default font has no CJK glyphs: the plots are labelled in English (三率 = the
    # response, resolution and satisfaction rates).
    ax.set_title(f"The three rates by month, city-wide ({args.tickets:,} cases)")
    ax.set_xlabel("month")
    ax.tick_params(axis="x", rotation=45)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2, frameon=False)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    rates_png = out / "rates_by_month.png"
    fig.savefig(rates_png, dpi=120)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(9, 5))
    ax.barh([r["group"] for r in reversed(top)], [r["counts_received"] for r in reversed(top)], color="#b5473a")
    ax.set_title("The 15 most loaded grids (cases received in the year)")
    ax.set_xlabel("cases")
    fig.tight_layout()
    grids_png = out / "loaded_grids.png"
    fig.savefig(grids_png, dpi=120)
    plt.close(fig)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"plots: {rates_png}, {grids_png}; peak RSS of this process {peak:,.0f} MiB")


def warm_up() -> None:
    """Run on each worker before the timings: the imports a worker makes on its first task
    (pyarrow's Parquet reader, about half a second), which a long-lived cluster has made."""
    import pyarrow.compute  # noqa: F401
    import pyarrow.parquet  # noqa: F401


def peak_rss_mib() -> float:
    """This process's peak resident memory (run on each worker by ``client.run``): the
    address space's high-water mark, ``VmHWM`` (``ru_maxrss`` would count the memory of the
    process that started the worker)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def year_policy() -> wangge.EscalationPolicy:
    """The benchmark's escalation policy: a missed handling deadline escalates one level."""
    return wangge.EscalationPolicy({"name": "city-year", "top": "street", "rules": [
        {"name": "handle-overdue", "when": {"type": "deadline_missed", "deadline": "handle"},
         "then": [{"type": "escalate"}]}]})


def workload_levels() -> Dict[str, Any]:
    """The benchmark's service levels: sign for within 2 working hours, handle within 5 days."""
    return {"name": "city-year", "rules": [{"name": "all", "targets": {
        "acknowledge": {"workingHours": 2}, "handle": {"workingDays": 5}}}]}


if __name__ == "__main__":
    main()
