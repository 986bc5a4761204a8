"""Pickling round trips (through the core's JSON formats) and sharing handles between threads."""

from __future__ import annotations

import pickle
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import wangge
from conftest import T, leak_hierarchy, leak_ledger
from test_consultation import building, open_vote
from test_escalation import POLICY


def roundtrip(x):
    return pickle.loads(pickle.dumps(x))


def test_pickle_every_handle(calendar):
    h = leak_hierarchy()
    assert roundtrip(h) == h
    ledger = leak_ledger()
    back = roundtrip(ledger)
    assert back == ledger and back.to_jsonl() == ledger.to_jsonl()
    back.apply("XHCT-1", actor="zx", at=T(100), action={"type": "reopen"})
    assert ledger.get("XHCT-1")["state"] == "closed", "independent after unpickling"
    # service levels travel too
    with_levels = wangge.Ledger(h)
    with_levels.set_service_levels(POLICY, calendar, now=T(0))
    with_levels.report({"id": "T1", "category": "livelihood.repair", "unit": "b3"}, actor="w1", at=T(0))
    with_levels.apply("T1", actor="zx", at=T(5), action={"type": "file"})
    again = roundtrip(with_levels)
    assert again.service_levels() == with_levels.service_levels()
    again.apply("T1", actor="zx", at=T(10), action={"type": "dispatch", "to": "g1"})
    with_levels.apply("T1", actor="zx", at=T(10), action={"type": "dispatch", "to": "g1"})
    assert again.deadline("T1", "handle") == with_levels.deadline("T1", "handle") is not None
    assert roundtrip(calendar) == calendar
    esc = wangge.EscalationPolicy.standard()
    assert roundtrip(esc) == esc
    d = esc.evaluate(ledger, now=T(10000), calendar=calendar)
    assert roundtrip(d) == d
    rule = wangge.Rule({"preset": "civil_code_278_special"})
    assert roundtrip(rule) == rule
    m = wangge.Metrics(ledger, calendar)
    assert roundtrip(m) == m
    forums = wangge.ForumRecords({"format": "wangge.consultation.forum_records", "version": 1,
                                  "forums": [{"id": "f", "name": "议事厅", "kind": "weekend_deliberation_hall"}]})
    assert roundtrip(forums) == forums


def test_pickle_votes_and_electorates():
    h, roll, units = building()
    assert roundtrip(roll) == roll
    v = open_vote(h, roll, "2")
    u2 = [u for u in units if u["buildingUnit"] == "2"]
    v.register_proxy(u2[1]["owner"], u2[0]["owner"])
    for u in u2[2:9]:
        v.cast(u["owner"], "agree", at="2025-05-02T10:00:00+08:00")
    v.cast_by_proxy(u2[0]["owner"], u2[1]["owner"], "agree", at="2025-05-02T11:00:00+08:00")
    back = roundtrip(v)
    assert back.tally() == v.tally() and back.outcome() == v.outcome()
    e = roundtrip(v.electorate)
    assert e.voters() == v.electorate.voters()
    back.close(at="2025-05-31T18:00:00+08:00")
    assert back.is_closed and not v.is_closed
    closed = roundtrip(back)
    assert closed.is_closed and closed.outcome() == back.outcome()
    with pytest.raises(wangge.WanggeError) as refused:
        closed.cast(u2[9]["owner"], "agree", at="2025-05-31T18:00:00+08:00")
    assert refused.value.code == "consultation.vote_closed"


def test_one_ledger_shared_by_8_threads(h):
    ledger = wangge.Ledger(h)
    n = 200
    barrier = threading.Barrier(8)

    def work(w):
        barrier.wait()
        grid, worker = ("g1", "w1") if w % 2 == 0 else ("g2", "w2")
        for i in range(n):
            tid = f"W{w}-{i}"
            ledger.report({"id": tid, "category": "livelihood.repair", "unit": grid},
                          actor=worker, at=T(i))
            ledger.apply(tid, actor="zx", at=T(i + 1), action={"type": "file"})
            assert ledger.get(tid)["state"] == "filed"
            if i % 50 == 0:
                len(ledger.all_events())
                ledger.in_state("filed")
        return w

    with ThreadPoolExecutor(8) as pool:
        assert sorted(pool.map(work, range(8))) == list(range(8))
    assert len(ledger) == 8 * n and ledger.event_count == 8 * n * 2
    assert len(ledger.in_state("filed")) == 8 * n
    assert wangge.Ledger.from_jsonl(h, ledger.to_jsonl()) == ledger


def test_threads_share_hierarchy_and_bulk_calls(h):
    keys = h.keys_of(["b3", "g2"]) * 1000
    results = []

    def route(i):
        results.append(h.chain_lengths(keys))
        h.add(f"x{i}", "grid", "x")

    threads = [threading.Thread(target=route, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [12000] * 8 and len(h) == 15 + 8


def test_bulk_calls_release_the_gil():
    """While a long bulk call runs, another thread keeps running Python code: its clock
    readings fall inside the call (they could not if the call held the GIL throughout)."""
    import time

    h = leak_hierarchy()
    ledger = wangge.Ledger(h)
    n = 40_000
    g1 = h.key_of("g1")
    t0 = int(T(0).timestamp())
    assert ledger.report_coded([f"R{i}" for i in range(n)], "livelihood.repair", [g1] * n, [g1] * n,
                               [t0] * n) == []
    text = ledger.to_jsonl()
    seen: list = []
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            seen.append(time.perf_counter())

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        time.sleep(0.05)
        start = time.perf_counter()
        back = wangge.Ledger.from_jsonl(h, text)  # verifies and replays detached
        end = time.perf_counter()
    finally:
        stop.set()
        spinner.join()
    assert len(back) == n
    margin = (end - start) * 0.1
    inside = [t for t in seen if start + margin < t < end - margin]
    assert len(inside) > 100, (len(inside), end - start)
