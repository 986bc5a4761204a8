"""The differential test's Python runner (tests/differential/README.md).

Reads sequences written by tests/differential/generate.py (a header line, then one sequence
per line) and writes one transcript line per sequence: what each operation returned or the
error it raised (code, details, message), then the ledger's JSON-lines log and the
hierarchy's document. The JavaScript runner (bindings-wasm/tests/differential.mjs) writes
the same transcript from the WebAssembly package; the two must be byte-identical.

Usage: python differential.py SEQUENCES.jsonl > TRANSCRIPT.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wangge  # noqa: E402
from test_conformance import Session, plain  # noqa: E402


def canonical(value: Any) -> Any:
    """Whole floats as integers, so that 2.0 (Python) and 2 (JavaScript) are written alike."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    return value


def dump(value: Any) -> str:
    return json.dumps(canonical(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


VOTE_OPS = {"v.proxy", "v.cast", "v.cast_many", "v.cast_rows", "v.cast_proxy", "v.close", "v.passes", "v.tally", "v.outcome"}


def transcript(setup: dict, ops: list) -> dict:
    session = Session(setup)
    results = []
    for o in ops:
        # A vote operation after a refused `v.open` has no vote to act on: recorded, not run.
        if (o["op"] == "v.open" and session.electorate is None) or (
            o["op"] in VOTE_OPS and session.vote is None
        ):
            results.append({"unavailable": o["op"]})
            continue
        acts = o["op"] in ("t.apply", "t.report")
        before = session.ledger().to_jsonl() if acts else None
        try:
            results.append({"ok": plain(session.run(o))})
        except wangge.WanggeError as e:
            if acts and session.ledger().to_jsonl() != before:
                results.append({"refusalChangedTheLog": e.code})
                continue
            results.append({"error": e.code, "details": plain(e.details), "message": str(e)})
    ledger = session.ledger()
    return {"results": results, "log": ledger.to_jsonl(), "hierarchy": session.h.to_json()}


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        header = json.loads(f.readline())
        assert header["format"] == "wangge.differential" and header["version"] == 1, header
        out = sys.stdout
        for line in f:
            seq = json.loads(line)
            out.write(dump({"seed": seq["seed"], **transcript(header["setup"], seq["ops"])}) + "\n")


if __name__ == "__main__":
    main()
