"""The city-year benchmark through the Python API: the workload of core/benches/city_year.rs
(a synthetic year of a city that receives 21.4 million requests, daily escalation sweeps, the
三率 by street and month at the end), driven with NumPy and the typed-array entry points
(`report_coded`, `apply_coded`), one ledger in one thread.

    python benches/python/city_year.py              # 21.4 M tickets (minutes, ~8 GB)
    python benches/python/city_year.py -n 200000    # a smaller city-year

It prints the same digest as the Rust benchmark (run that with WANGGE_CITY_YEAR_THREADS=1 and
the same WANGGE_CITY_YEAR_N to compare time): the two runtimes must agree on every count.
"""

from __future__ import annotations

import argparse
import resource
import time
from datetime import datetime, timedelta, timezone
from typing import Dict, List

import numpy as np

import wangge

DAYS = 365
START = 1_735_660_800  # 2025-01-01T00:00:00+08:00
CHINA = timezone(timedelta(hours=8))
# Steps (as in the Rust benchmark).
FILE, DISPATCH, ACK, HANDLE, VERIFY, VISIT, REHANDLE, REVERIFY, REVISIT = range(9)
M1, M2, M3 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def draw(i: np.ndarray, k: int) -> np.ndarray:
    """splitmix64(16·i + k), vectorized (uint64 arithmetic wraps as in Rust)."""
    z = i.astype(np.uint64) * np.uint64(16) + np.uint64(k) + M1
    z = (z ^ (z >> np.uint64(30))) * M2
    z = (z ^ (z >> np.uint64(27))) * M3
    return z ^ (z >> np.uint64(31))


def city() -> tuple:
    """The hierarchy of the Rust benchmark, in the same order; grid, community and centre
    keys per grid in insertion order."""
    h = wangge.Hierarchy()
    h.add("c", "city", "city")
    grids: List[str] = []
    communities: List[str] = []
    centres: List[str] = []
    street_no = community_no = 0
    for d in range(16):
        did = f"d{d}"
        h.add(did, "district", did)
        h.contain("c", did)
        zx = f"zx{d}"
        h.add(zx, "operations_centre", zx)
        h.supervise(zx, did)
        h.command(zx, did)
        for s in range(21 if d < 10 else 20):
            sid = f"{did}.s{s}"
            h.add(sid, "street", sid)
            h.contain(did, sid)
            n_comm = 22 if street_no < 70 else 21
            street_no += 1
            for c in range(n_comm):
                cid = f"{sid}.c{c}"
                h.add(cid, "community", cid)
                h.contain(sid, cid)
                n_grid = 5 if community_no < 2000 else 4
                community_no += 1
                for g in range(n_grid):
                    gid = f"{cid}.g{g}"
                    h.add(gid, "grid", gid)
                    h.contain(cid, gid)
                    grids.append(gid)
                    communities.append(cid)
                    centres.append(zx)
    assert (street_no, community_no, len(grids)) == (330, 7000, 30000)
    keys = lambda ids: np.frombuffer(h.keys_of(ids), dtype=np.uint32).astype(np.uint32)  # noqa: E731
    return h, keys(grids), keys(communities), keys(centres)


def minutes(m: np.ndarray) -> np.ndarray:
    return (m * np.uint64(60)).astype(np.int64)


def simulate(n: int, progress: bool = False) -> dict:
    """Runs the city-year of ``n`` tickets: the ledger, the hierarchy, the calendar, the
    service levels and policy used, and the figures (see the module's documentation). With
    ``progress``, a tqdm bar over the days (examples/python/city_year_analyst.py uses it)."""
    wall = time.perf_counter()
    h, grid_key, community_key, centre_key = city()
    cal = wangge.Calendar.china()
    ledger = wangge.Ledger(h)
    ledger.reserve(n)  # as the Rust benchmark does: the year's tickets, without regrowing
    levels = {"name": "city-year", "rules": [{"name": "all", "targets": {
        "acknowledge": {"workingHours": 2}, "handle": {"workingDays": 5}}}]}
    ledger.set_service_levels(levels, cal, now="2025-01-01T00:00:00+08:00")
    policy = wangge.EscalationPolicy({"name": "city-year", "top": "street", "rules": [
        {"name": "handle-overdue", "when": {"type": "deadline_missed", "deadline": "handle"},
         "then": [{"type": "escalate"}]}]})
    key_of: Dict[str, int] = h.key_map()
    # Per ticket (ticket key == ticket number: one ledger, reported in order).
    g_of = np.empty(n, dtype=np.uint32)       # its grid's index
    holder = np.empty(n, dtype=np.uint32)     # who holds it (node key)
    escalated = np.zeros(n, dtype=bool)       # escalated since its holder last signed for it
    buckets: List[List[tuple]] = [[] for _ in range(DAYS + 60)]

    def push(at: np.ndarray, k: np.ndarray, step: np.ndarray) -> None:
        days = ((at - START) // 86_400).astype(np.uint16)  # a stable sort of 16-bit keys is a radix sort
        order = np.argsort(days, kind="stable")
        at, k, step, days = at[order], k[order], step[order], days[order]
        cuts = np.flatnonzero(np.diff(days)) + 1
        for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(days)]):
            if b > a:
                buckets[int(days[a])].append((at[a:b], k[a:b], step[a:b]))

    t_report = t_steps = t_sweeps = t_apply = 0.0
    steps_applied = decisions = escalations = 0
    day = 0
    first = lambda d: -(-(n * d) // DAYS)  # noqa: E731 (ceil, as in Rust)
    bar = None
    if progress:
        from tqdm import tqdm  # type: ignore[import-untyped, unused-ignore]

        bar = tqdm(total=DAYS, desc="city-year days", unit="day")
    while True:
        if bar is not None and day < DAYS:
            bar.update(1)
        s = time.perf_counter()
        if day < DAYS:
            a, b = first(day), first(day + 1)
            i = np.arange(a, b, dtype=np.uint64)
            g = (draw(i, 0) % np.uint64(30_000)).astype(np.uint32)
            g_of[a:b] = g
            holder[a:b] = grid_key[g]
            at = START + 86_400 * day + (np.arange(b - a, dtype=np.int64) * 86_400) // max(b - a, 1)
            bad = ledger.report_coded([f"Y{x:08}" for x in range(a, b)], "livelihood",
                                      grid_key[g], grid_key[g], at)
            assert not bad, bad[:3]
            push(at + 300, i.astype(np.uint32), np.full(b - a, FILE, dtype=np.uint8))
        t_report += time.perf_counter() - s
        s = time.perf_counter()
        while buckets[day]:
            parts = buckets[day]
            buckets[day] = []
            at = np.concatenate([p[0] for p in parts])
            k = np.concatenate([p[1] for p in parts])
            step = np.concatenate([p[2] for p in parts])
            # By time, then ticket (as in Rust): one sort of a combined 64-bit key.
            order = np.argsort(((at - START).astype(np.uint64) << np.uint64(32)) | k.astype(np.uint64))
            at, k, step = at[order], k[order], step[order]
            m = len(k)
            i = k.astype(np.uint64)
            g = g_of[k]
            grid, centre, hold = grid_key[g], centre_key[g], holder[k]
            code = np.empty(m, dtype=np.uint8)
            actor = centre.copy()
            arg = np.zeros(m, dtype=np.uint32)
            nxt = np.full(m, -1, dtype=np.int8)
            delay = np.zeros(m, dtype=np.uint64)
            u = np.uint64
            # Step by step kind: the action, its actor and argument, and the next step.
            for s_val in np.unique(step):
                w = np.flatnonzero(step == s_val)
                ii = i[w]
                if s_val == FILE:
                    rejected = draw(ii, 1) % u(100) < u(2)
                    code[w] = np.where(rejected, 7, 0)
                    nxt[w] = np.where(rejected, -1, DISPATCH)
                    delay[w] = u(5) + draw(ii, 2) % u(60)
                elif s_val == DISPATCH:
                    code[w], arg[w], nxt[w] = 1, grid[w], ACK
                    delay[w] = draw(ii, 3) % u(240)
                elif s_val == ACK:
                    code[w], actor[w], nxt[w] = 2, hold[w], HANDLE
                    r = draw(ii, 4)
                    delay[w] = np.where(r % u(100) < u(90), (r >> u(8)) % u(4_320),
                                        u(4_320) + (r >> u(8)) % u(15_840))
                elif s_val in (HANDLE, REHANDLE):
                    code[w], actor[w] = 3, hold[w]
                    nxt[w] = VERIFY if s_val == HANDLE else REVERIFY
                    delay[w] = u(30) + draw(ii, 5 if s_val == HANDLE else 8) % u(1_440)
                elif s_val in (VERIFY, REVERIFY):
                    code[w] = 4
                    actor[w] = np.where(hold[w] == grid[w], community_key[g[w]], centre[w])
                    nxt[w] = VISIT if s_val == VERIFY else REVISIT
                    delay[w] = u(30) + draw(ii, 6 if s_val == VERIFY else 9) % u(1_440)
                elif s_val == VISIT:
                    sat = (draw(ii, 6) >> u(16)) % u(100)
                    satisfaction = np.where(sat < u(80), 0, np.where(sat < u(96), 1, 2))
                    code[w], arg[w] = 5, satisfaction
                    nxt[w] = np.where(satisfaction == 2, REHANDLE, -1)
                    delay[w] = u(60) + draw(ii, 7) % u(2_880)
                else:  # REVISIT
                    code[w] = 5
            # An escalated ticket is first signed for by its new holder, at the same instant.
            pre = escalated[k] & ((step == HANDLE) | (step == REHANDLE))
            signed = pre | (step == ACK)
            if pre.any():
                rows = np.repeat(np.arange(m), 1 + pre)
                first_row = np.cumsum(1 + pre) - (1 + pre)
                code, actor, arg = code[rows], actor[rows], arg[rows]
                p_rows = first_row[pre]
                code[p_rows], actor[p_rows], arg[p_rows] = 2, hold[pre], 0
            else:
                rows = np.arange(m)
            s_apply = time.perf_counter()
            _, refused = ledger.apply_coded(k[rows], actor, at[rows], code, arg)
            t_apply += time.perf_counter() - s_apply
            assert not refused, refused[:3]
            steps_applied += len(rows)
            escalated[k[signed]] = False
            keep = nxt >= 0
            push(at[keep] + minutes(delay[keep]), k[keep], nxt[keep].astype(np.uint8))
        t_steps += time.perf_counter() - s
        s = time.perf_counter()
        end_of_day = START + 86_400 * (day + 1)
        ds = policy.sweep(ledger, now=datetime.fromtimestamp(end_of_day, CHINA), calendar=cal)
        decisions += len(ds)
        for d in ds.to_list():
            effect = d["effect"]
            if effect["type"] == "act" and effect["action"]["type"] == "escalate":
                t = int(d["ticket"][1:])
                holder[t] = key_of[str(effect["action"].get("to"))]
                escalated[t] = True
                escalations += 1
        t_sweeps += time.perf_counter() - s
        day += 1
        if day >= DAYS and not any(buckets[day:]):
            break
    if bar is not None:
        bar.close()
    return {"n": n, "ledger": ledger, "hierarchy": h, "calendar": cal, "levels": levels, "policy": policy,
            "wall": wall, "t_report": t_report, "t_steps": t_steps, "t_apply": t_apply, "t_sweeps": t_sweeps,
            "steps_applied": steps_applied, "decisions": decisions, "escalations": escalations, "days": day}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=21_400_000, help="tickets in the year")
    n = ap.parse_args().n
    year = simulate(n)
    ledger, cal, wall = year["ledger"], year["calendar"], year["wall"]
    t_report, t_steps, t_apply, t_sweeps = year["t_report"], year["t_steps"], year["t_apply"], year["t_sweeps"]
    steps_applied, decisions, escalations, day = (
        year["steps_applied"], year["decisions"], year["escalations"], year["days"])
    s = time.perf_counter()
    report = wangge.Metrics(ledger, cal, {"groupBy": {"level": "street"}, "periodBy": "month"}).report()
    t_metrics = time.perf_counter() - s
    total = time.perf_counter() - wall
    events = ledger.event_count
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"city_year (Python): {n} tickets, {events} events ({events / n:.2f} per ticket), "
          f"{steps_applied} lifecycle steps, {day} days swept, {decisions} decisions "
          f"({escalations} escalations)")
    print(f"city_year (Python): wall {total:.1f} s = report {t_report:.1f} s + steps {t_steps:.1f} s (in apply_coded {t_apply:.1f} s) "
          f"+ sweeps {t_sweeps:.1f} s + metrics {t_metrics:.1f} s (+ setup); peak RSS {peak:.0f} MiB")
    report_rows = report["rows"]
    c: Dict[str, int] = {
        "received": sum(r["counts"]["received"] for r in report_rows),
        "closed": sum(r["counts"]["closed"] for r in report_rows),
        "due": sum(r["counts"]["due"] for r in report_rows),
        "closedOnTime": sum(r["counts"]["closedOnTime"] for r in report_rows),
        "signed": sum(r["counts"]["signed"] for r in report_rows),
        "signedOnTime": sum(r["counts"]["signedOnTime"] for r in report_rows),
        "visited": sum(r["counts"]["visited"] for r in report_rows),
        "satisfied": sum(r["counts"]["satisfied"] for r in report_rows),
        "basicallySatisfied": sum(r["counts"]["basicallySatisfied"] for r in report_rows),
        "resolved": sum(r["counts"]["resolved"] for r in report_rows),
        "escalations": sum(r["counts"]["escalations"] for r in report_rows),
    }
    print(f"city_year (Python): {len(report['rows'])} rows (street x month); "
          f"response {c['signedOnTime'] / c['signed']:.4f}, resolution {c['resolved'] / c['visited']:.4f}, "
          f"satisfaction {(c['satisfied'] + c['basicallySatisfied']) / c['visited']:.4f}; digest received "
          f"{c['received']} closed {c['closed']} due {c['due']} on time {c['closedOnTime']} signed "
          f"{c['signed']} on time {c['signedOnTime']} visited {c['visited']} resolved {c['resolved']} "
          f"escalations {c['escalations']}")


if __name__ == "__main__":
    main()
