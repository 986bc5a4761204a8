"""The four workloads of the Rust benchmarks (core/benches), through the Python API, beside
(a) networkx / `transitions` implementations and (b) a hand-written plain-Python version
(dicts and tuples) of the same work, in this process; plus loading and replaying 1M events
from a JSON-lines log and from a DataFrame.

    python benches/python/bench.py            # N = 1,000,000 (a few minutes)
    python benches/python/bench.py --quick    # N = 50,000 (seconds)

The comparison implementations are slow; where running them on every item would take minutes
they run on a sample and the time is extrapolated per item (the output says so). Ratios are
"times faster than" (comparison time / wangge time). Rust figures, where given, are read from
core/benches' criterion results if present (--criterion DIR, $CARGO_TARGET_DIR/criterion or
target/criterion; run `cargo bench -p wangge` first), else shown as "—".
"""

from __future__ import annotations

import argparse
import json
from array import array
import os
import random
import sys
import tempfile
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

import wangge

T0 = "2025-03-03T09:00:00+08:00"
T0S = int(wangge.instant(T0).timestamp())
DAY = 86_400


def clock(fn: Callable[[], Any]) -> Tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def fmt(s: Optional[float]) -> str:
    if s is None:
        return "—"
    return f"{s * 1e3:,.0f} ms" if s < 10 else f"{s:,.1f} s"


ROWS: List[Tuple[str, str, Optional[float], Optional[float], str, Optional[float], str]] = []


def row(name: str, ours: float, plain: Optional[float], plain_note: str,
        other: Optional[float], other_note: str) -> None:
    ROWS.append((name, fmt(ours), plain, other, plain_note, ours, other_note))
    p = f"{plain / ours:6.1f}x" if plain else "   —  "
    o = f"{other / ours:7.1f}x" if other else "    —  "
    print(f"  wangge {fmt(ours):>10} | plain Python {fmt(plain):>10} ({p}) {plain_note}"
          f"| {other_note or 'networkx/transitions'} {fmt(other):>10} ({o})", flush=True)


CRITERION_DIRS: List[str] = []


def rust_figure(name: str) -> Optional[float]:
    roots = CRITERION_DIRS + [os.path.join(b, "criterion") for b in
                              [os.environ.get("CARGO_TARGET_DIR", ""), "target"] if b]
    for root in roots:
        if not os.path.isdir(root):
            continue
        for group in os.listdir(root):
            d = os.path.join(root, group, name, "new", "estimates.json")
            if os.path.exists(d):
                with open(d) as f:
                    return float(json.load(f)["mean"]["point_estimate"]) / 1e9
    return None


# ----- the 11,111-unit hierarchy -------------------------------------------------------------

def city() -> Tuple[wangge.Hierarchy, Dict[str, Optional[str]]]:
    h = wangge.Hierarchy()
    parent: Dict[str, Optional[str]] = {"c": None}
    h.add("c", "city", "city")
    for d in range(10):
        did = f"c.{d}"
        h.add(did, "district", did); h.contain("c", did); parent[did] = "c"
        for s in range(10):
            sid = f"{did}.{s}"
            h.add(sid, "street", sid); h.contain(did, sid); parent[sid] = did
            for m in range(10):
                mid = f"{sid}.{m}"
                h.add(mid, "community", mid); h.contain(sid, mid); parent[mid] = sid
                for g in range(10):
                    gid = f"{mid}.{g}"
                    h.add(gid, "grid", gid); h.contain(mid, gid); parent[gid] = mid
    # Each district's operations centre supervises and commands it (as in core/benches).
    for d in range(10):
        h.add(f"zx.{d}", "operations_centre", f"zx.{d}")
        h.supervise(f"zx.{d}", f"c.{d}")
        h.command(f"zx.{d}", f"c.{d}")
    return h, parent


def centre_of(unit: str) -> str:
    """The operations centre of a unit's district (``c.<d>.…`` → ``zx.<d>``)."""
    return "zx." + unit.split(".")[1]


def bench_routing(n: int, sample: int) -> None:
    print(f"\n[1] routing {n:,} tickets on an 11,111-unit hierarchy (escalation chains)")
    h, parent = city()
    grids = [g for g in parent if g.count(".") == 4]
    rnd = random.Random(7)
    ids = [rnd.choice(grids) for _ in range(n)]
    keys = h.keys_of(ids)  # an array('I')
    t_len, total = clock(lambda: h.chain_lengths(keys))
    t_chains, (chains, ends) = clock(lambda: h.chains_of(keys))
    t_rust_ids, keys2 = clock(lambda: h.keys_of(ids))
    key_map = h.key_map()  # once per hierarchy
    t_ids, keys3 = clock(lambda: array("I", map(key_map.__getitem__, ids)))
    assert total == 5 * n and len(ends) == n and keys2 == keys == keys3

    def plain(items: List[str]) -> int:
        out: List[str] = []
        for g in items:
            x: Optional[str] = g
            while x is not None:
                out.append(x)
                x = parent[x]
        return len(out)

    m = min(n, sample)
    t_plain, tot = clock(lambda: plain(ids[:m]))
    assert tot == 5 * m
    t_plain *= n / m
    import networkx as nx

    G = nx.DiGraph()
    G.add_edges_from((p, c) for c, p in parent.items() if p is not None)

    def with_nx(items: List[str]) -> int:
        out: List[str] = []
        for g in items:
            x = g
            while True:
                out.append(x)
                ps = list(G.predecessors(x))
                if not ps:
                    break
                x = ps[0]
        return len(out)

    k = min(n, sample // 4)
    t_nx, tot = clock(lambda: with_nx(ids[:k]))
    assert tot == 5 * k
    t_nx *= n / k
    note = f"(sample {m:,}, extrapolated) " if m < n else ""
    # ids→keys by the faster of the two routes (keys_of, or the dict of key_map()).
    row("routing: chains into a buffer (ids→keys→chains)", min(t_ids, t_rust_ids) + t_chains,
        t_plain, note, t_nx, f"networkx (sample {k:,}, extrapolated)")
    print(f"  (chains from keys: {fmt(t_chains)}; chain lengths only: {fmt(t_len)}; ids→keys "
          f"{fmt(t_ids)} with key_map(), {fmt(t_rust_ids)} with keys_of(); Rust bench "
          f"'1M escalation chains into a buffer': {fmt(rust_figure('1M escalation chains into a buffer'))})")


# ----- the ticket lifecycle ------------------------------------------------------------------

PLAN = [  # (code, actor: 0 grid / 1 the district's centre, arg: 0 none / 2 the grid)
    (0, 1, 0), (1, 1, 2), (2, 0, 0), (3, 0, 0), (4, 1, 0), (5, 1, 0),
]
NAMES = ["file", "dispatch", "acknowledge", "handle", "verify", "visit"]
LIFECYCLE = {  # the lifecycle subset the workload walks: (state, action) -> state
    ("reported", "file"): "filed", ("filed", "dispatch"): "dispatched",
    ("dispatched", "acknowledge"): "in_progress", ("in_progress", "handle"): "handled",
    ("handled", "verify"): "verified", ("verified", "visit"): "closed",
}


def reported(n: int, levels: Optional[Tuple[dict, wangge.Calendar]] = None, at: int = T0S):
    h, parent = city()
    grids = [g for g in parent if g.count(".") == 4]
    rnd = random.Random(11)
    tg = [rnd.choice(grids) for _ in range(n)]
    gk = h.keys_of(tg)
    ck = h.keys_of([centre_of(g) for g in tg])
    ledger = wangge.Ledger(h)
    if levels:
        ledger.set_service_levels(levels[0], levels[1], now=wangge.instant(T0))
    ids = [f"T{i:07}" for i in range(n)]
    bad = ledger.report_coded(ids, "livelihood.repair", gk, gk, [at] * n)
    assert not bad
    return h, parent, ledger, tg, gk, ck


def bench_transitions(n: int, sample: int) -> None:
    print(f"\n[2] {n:,} tickets x 6 transitions (bulk apply)")
    h, parent, ledger, tg, gk, ck = reported(n)
    tk: List[int] = []; ak: List[int] = []; at: List[int] = []; co: List[int] = []; ar: List[int] = []
    for i in range(n):
        for j, (code, who, arg) in enumerate(PLAN):
            tk.append(i); ak.append(ck[i] if who else gk[i]); at.append(T0S + 600 * (j + 1))
            co.append(code); ar.append(gk[i] if arg == 2 else 0)
    packed = (array("I", tk), array("I", ak), array("q", at), bytes(co), array("I", ar))
    t, (states, refused) = clock(lambda: ledger.apply_coded(*packed))
    assert not refused and wangge.TICKET_STATES[states[-1]] == "closed"

    staff = {g: g for g in tg}

    def plain(m: int) -> int:
        state = {i: "reported" for i in range(m)}
        holder = {i: tg[i] for i in range(m)}
        log: List[Tuple[int, int, int, str, str]] = []
        seq = {i: 1 for i in range(m)}
        for i in range(m):
            g = tg[i]; c = centre_of(g)
            for j, (code, who, arg) in enumerate(PLAN):
                actor = c if who else g
                action = NAMES[code]
                nxt = LIFECYCLE.get((state[i], action))
                if nxt is None:
                    raise ValueError("illegal")
                if who == 0 and staff.get(holder[i]) != actor:
                    raise ValueError("unauthorized")
                if arg == 2:
                    holder[i] = g
                state[i] = nxt
                log.append((i, seq[i], T0S + 600 * (j + 1), actor, action))  # type: ignore[arg-type]
                seq[i] += 1
        return len(log)

    m = min(n, sample)
    t_plain, cnt = clock(lambda: plain(m))
    assert cnt == 6 * m
    t_plain *= n / m
    from transitions import Machine

    class Case:
        pass

    k = min(n, max(1000, sample // 50))
    trans = [{"trigger": a, "source": s, "dest": d} for (s, a), d in LIFECYCLE.items()]

    def with_transitions() -> int:
        models = [Case() for _ in range(k)]
        Machine(model=models, states=sorted({s for s, _ in LIFECYCLE} | {"closed"}),
                transitions=trans, initial="reported")
        done = 0
        for mdl in models:
            for a in NAMES:
                getattr(mdl, a)()
                done += 1
        return done

    t_tr, cnt = clock(with_transitions)
    assert cnt == 6 * k
    t_tr *= n / k
    note = f"(sample {m:,}, extrapolated) " if m < n else ""
    row("6 transitions per ticket, bulk", t, t_plain, note, t_tr,
        f"transitions (sample {k:,}, extrapolated)")
    print(f"  (Rust bench '1M tickets x 6 transitions, bulk, ticket after ticket': "
          f"{fmt(rust_figure('1M tickets x 6 transitions, bulk, ticket after ticket'))})")


def bench_sweeps(n: int, sample: int, quick: bool) -> None:
    print(f"\n[3] 30 sweeps over {n:,} open tickets (deadline missed → escalate)")
    cal = wangge.Calendar.standard()
    service = {"name": "bench", "rules": [{"name": "all", "targets": {"handle": {"workingDays": 5}}}]}
    t0 = T0S - 13 * 3600  # 2025-03-02 20:00, as in core/benches/escalation.rs
    h, parent, ledger, tg, gk, ck = reported(n, (service, cal), at=t0)
    rnd = random.Random(11)
    due = [t0 + 3600 + rnd.randrange(30 * DAY) for _ in range(n)]
    tk: List[int] = []; ak: List[int] = []; at: List[int] = []; co: List[int] = []; ar: List[int] = []
    for i in range(n):
        tk += [i, i, i]; ak += [ck[i], ck[i], 0xFFFFFFFF]; at += [t0] * 3
        co += [0, 1, 11]; ar += [0, gk[i], due[i] // 60]
    _, (_, refused) = clock(lambda: ledger.apply_coded(tk, ak, at, co, ar))
    assert not refused
    policy = wangge.EscalationPolicy({"name": "bench", "top": "district", "rules": [
        {"name": "handle-overdue", "when": {"type": "deadline_missed", "deadline": "handle"},
         "then": [{"type": "escalate"}]}]})
    days = [wangge.instant(T0).timestamp() + d * DAY for d in range(1, 31)]
    nows = [time.strftime("%Y-%m-%dT%H:%M:%S+08:00", time.gmtime(d + 8 * 3600)) for d in days]

    def sweeps() -> int:
        return sum(len(policy.sweep(ledger, now=now, calendar=cal)) for now in nows)

    t, decisions = clock(sweeps)

    def five_working_days(now: int) -> int:
        """17:30 (+08:00) on the fifth working day (Monday–Friday) after `now`'s day."""
        day = (now + 8 * 3600) // DAY
        left = 5
        while left:
            day += 1
            if (day + 3) % 7 < 5:  # 1970-01-01 was a Thursday
                left -= 1
        return day * DAY - 8 * 3600 + 17 * 3600 + 1800

    def plain(m: int) -> int:
        open_ = {i: (tg[i], due[i], 0) for i in range(m)}
        log: List[Tuple[int, int, str]] = []
        for d in days:
            now = int(d)
            for i, (holder, dl, esc) in open_.items():
                if dl <= now:
                    up = parent[holder]
                    if up is None or up.count(".") < 1:  # stop at the district
                        continue
                    open_[i] = (up, five_working_days(now), esc + 1)
                    log.append((i, now, up))
        return len(log)

    m = min(n, sample)
    t_plain, _ = clock(lambda: plain(m))
    t_plain *= n / m
    from transitions import Machine

    class Case:
        def __init__(self, holder: str, dl: int) -> None:
            self.holder, self.dl = holder, dl

        def move_up(self) -> None:
            self.holder = parent[self.holder] or self.holder

    k = min(n, max(1000, sample // 50))

    def with_transitions() -> int:
        models = [Case(tg[i], due[i]) for i in range(k)]
        Machine(model=models, states=["dispatched"],
                transitions=[{"trigger": "escalate", "source": "dispatched", "dest": "dispatched",
                              "after": "move_up"}], initial="dispatched")
        fired = 0
        for d in days:
            for mdl in models:
                if mdl.dl <= d and mdl.holder.count(".") > 1:
                    mdl.escalate()  # type: ignore[attr-defined]
                    mdl.dl = five_working_days(int(d))
                    fired += 1
        return fired

    t_tr, _ = clock(with_transitions)
    t_tr *= n / k
    note = f"(sample {m:,}, extrapolated) " if m < n else ""
    row(f"30 sweeps ({decisions:,} decisions)", t, t_plain, note, t_tr,
        f"transitions (sample {k:,}, extrapolated)")
    print(f"  (Rust bench '(a)+(b) 30 sweeps over 1M open tickets': "
          f"{fmt(rust_figure('(a)+(b) 30 sweeps over 1M open tickets'))})")


def bench_tallies(tallies: int) -> None:
    print(f"\n[4] {tallies:,} tallies of 4,000 ballots (both Civil Code Art. 278 presets)")
    rnd = random.Random(5)
    owners = [{"id": f"o{i}"} for i in range(4000)]
    areas = [rnd.randrange(5000, 15000) for _ in range(4000)]  # hundredths of m²
    units = [{"id": f"u{i}", "building": "b1", "area": f"{a // 100}.{a % 100:02d}", "owner": f"o{i}"}
             for i, a in enumerate(areas)]
    roll = wangge.OwnerRoll({"format": "wangge.consultation.owner_roll", "version": 1,
                             "owners": owners, "units": units})
    h = wangge.Hierarchy()
    e = roll.electorate(h, "whole_roll")
    rules = [wangge.Rule({"preset": "civil_code_278_special"}),
             wangge.Rule({"preset": "civil_code_278_ordinary"})]
    voters = array("I", [e.voter_index(f"o{i}") for i in range(4000)])
    choices = bytes(0 if rnd.random() < 0.8 else (1 if rnd.random() < 0.5 else 2) for _ in range(4000))

    def ours() -> int:
        return sum(e.passes_coded(rules[i % 2], voters, choices) for i in range(tallies))

    t, passed = clock(ours)
    t_many, many = clock(lambda: e.passes_many([rules[i % 2] for i in range(tallies)], voters, choices))
    assert sum(many) == passed
    total_area, total_heads = sum(areas), 4000

    def plain() -> int:
        passed = 0
        for i in range(tallies):
            agree_a = agree_h = part_a = part_h = 0
            for v, c in zip(voters, choices):
                a = areas[v]
                part_a += a; part_h += 1
                if c == 0:
                    agree_a += a; agree_h += 1
            quorum = 3 * part_a >= 2 * total_area and 3 * part_h >= 2 * total_heads
            if i % 2 == 0:
                ok = 4 * agree_a >= 3 * part_a and 4 * agree_h >= 3 * part_h
            else:
                ok = 2 * agree_a > part_a and 2 * agree_h > part_h
            passed += quorum and ok
        return passed

    t_plain, p2 = clock(plain)
    row("tallies (one passes_coded call per tally)", t, t_plain, "", None, "n/a (no graph or state machine)")
    print(f"  (one passes_many call for all: {fmt(t_many)}; plain Python passed {p2}, wangge {passed}; "
          f"Rust bench '1,000 tallies of 4,000 ballots, both presets': "
          f"{fmt(rust_figure('1,000 tallies of 4,000 ballots, both presets'))})")


def bench_loading(n_tickets: int) -> None:
    """1M events (7 per ticket) as an analyst has them: flat rows."""
    n = n_tickets * 7
    print(f"\n[5] loading and replaying {n:,} events")
    h, parent = city()
    grids = [g for g in parent if g.count(".") == 4]
    rnd = random.Random(3)
    cols: Dict[str, List[Any]] = {k: [] for k in
                                  ["ticket", "at", "actor", "type", "category", "unit", "to",
                                   "outcome", "passed", "satisfaction"]}
    steps = [("report", 0), ("file", 1), ("dispatch", 1), ("acknowledge", 0), ("handle", 0),
             ("verify", 1), ("visit", 1)]
    for i in range(n_tickets):
        g = rnd.choice(grids); c = centre_of(g)
        for j, (kind, who) in enumerate(steps):
            cols["ticket"].append(f"T{i:07}")
            cols["at"].append(T0S + 600 * j)
            cols["actor"].append(c if who else g)
            cols["type"].append(kind)
            cols["category"].append("livelihood.repair" if kind == "report" else None)
            cols["unit"].append(g if kind == "report" else None)
            cols["to"].append(g if kind == "dispatch" else None)
            cols["outcome"].append("已处理" if kind == "handle" else None)
            cols["passed"].append(True if kind == "verify" else None)
            cols["satisfaction"].append("satisfied" if kind == "visit" else None)
    ledger = wangge.Ledger(h)
    t_cols, bad = clock(lambda: ledger.load_columns(cols, epoch_seconds=["at"]))
    assert not bad, bad[:3]
    path = os.path.join(tempfile.mkdtemp(), "events.jsonl")
    ledger.write_jsonl(path)
    size = os.path.getsize(path)
    t_jsonl, back = clock(lambda: wangge.Ledger.read_jsonl(h, path))
    assert back.event_count == n
    print(f"  JSON lines (hash-chained log, {size / 1e6:,.0f} MB, every digest verified): "
          f"{fmt(t_jsonl)} = {n / t_jsonl / 1e6:.2f} M events/s")
    print(f"  columns (ledger.load_columns): {fmt(t_cols)} = {n / t_cols / 1e6:.2f} M events/s")
    try:
        import pandas as pd
    except ImportError:
        print("  DataFrame: pandas not installed")
        return
    from wangge import frames

    df = pd.DataFrame(cols)
    df["at"] = pd.to_datetime(df["at"], unit="s", utc=True).dt.tz_convert("Asia/Shanghai")
    t_df, (back2, bad) = clock(lambda: frames.load_frame(h, df))
    assert not bad and back2.event_count == n
    print(f"  DataFrame (frames.load_frame, aware datetime64 'at'): {fmt(t_df)} = "
          f"{n / t_df / 1e6:.2f} M events/s")
    t_out, out = clock(lambda: frames.events_frame(back2))
    print(f"  export: events_frame of {len(out):,} rows in {fmt(t_out)} = "
          f"{len(out) / t_out / 1e6:.2f} M rows/s")
    try:
        import pyarrow as pa
    except ImportError:
        print("  Arrow: pyarrow not installed")
        return
    t_arrow, table = clock(lambda: pa.table(back2.events_arrow()))
    print(f"  Arrow out: pa.table(ledger.events_arrow()) of {table.num_rows:,} rows in {fmt(t_arrow)} = "
          f"{table.num_rows / t_arrow / 1e6:.2f} M rows/s")
    into = wangge.Ledger(h)
    t_in, bad = clock(lambda: into.load_arrow(table))
    assert not bad and into.event_count == n
    print(f"  Arrow in: ledger.load_arrow(table): {fmt(t_in)} = {n / t_in / 1e6:.2f} M events/s")
    t_fast, fast = clock(lambda: frames.events_frame(back2, dtype_backend="pyarrow"))
    print(f"  export: events_frame(dtype_backend='pyarrow') in {fmt(t_fast)} = "
          f"{len(fast) / t_fast / 1e6:.2f} M rows/s")
    t_pd, (back3, bad) = clock(lambda: frames.load_frame(h, out))
    assert not bad and back3.event_count == n
    print(f"  DataFrame from events_frame back in (frames.load_frame, through Arrow): {fmt(t_pd)} = "
          f"{n / t_pd / 1e6:.2f} M events/s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="N = 50,000 instead of 1,000,000")
    ap.add_argument("--criterion", metavar="DIR",
                    help="where `cargo bench -p wangge` left its results (default: $CARGO_TARGET_DIR/criterion, target/criterion)")
    args = ap.parse_args()
    if args.criterion:
        CRITERION_DIRS.append(args.criterion)
    n = 50_000 if args.quick else 1_000_000
    sample = 20_000 if args.quick else 200_000
    print(f"wangge {wangge.__version__} — Python {sys.version.split()[0]} — N = {n:,}"
          + (" (quick)" if args.quick else ""))
    bench_routing(n, sample)
    bench_transitions(n, sample)
    bench_sweeps(n, sample, args.quick)
    bench_tallies(100 if args.quick else 1000)
    bench_loading(n // 7 if args.quick else 1_000_000 // 7 + 1)
    print("\nratios: comparison time / wangge time (higher is faster for wangge)")


if __name__ == "__main__":
    main()
