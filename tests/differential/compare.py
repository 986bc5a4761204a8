#!/usr/bin/env python3
"""Compares two differential transcripts line by line; on the first difference, names the seed
and shows the first operation whose record differs in both runtimes. Exit status 1 on any
difference. Usage: compare.py SEQUENCES PYTHON.jsonl JS.jsonl"""

import json
import sys


def main() -> int:
    seq_path, a_path, b_path = sys.argv[1:4]
    with open(seq_path, encoding="utf-8") as s:
        s.readline()
        sequences = [json.loads(line) for line in s]
    a = open(a_path, encoding="utf-8").read().splitlines()
    b = open(b_path, encoding="utf-8").read().splitlines()
    if len(a) != len(b) or len(a) != len(sequences):
        print(f"transcripts have {len(a)} (python) and {len(b)} (js) lines for {len(sequences)} sequences")
        return 1
    differ = 0
    for seq, la, lb in zip(sequences, a, b):
        if la == lb:
            continue
        differ += 1
        if differ > 5:
            continue
        ta, tb = json.loads(la), json.loads(lb)
        print(f"seed {seq['seed']} differs (regenerate: generate.py --first {seq['seed']} --count 1)")
        for i, (ra, rb) in enumerate(zip(ta["results"], tb["results"])):
            if ra != rb:
                print(f"  op {i}: {json.dumps(seq['ops'][i], ensure_ascii=False)}")
                print(f"    python: {json.dumps(ra, ensure_ascii=False)[:600]}")
                print(f"    js:     {json.dumps(rb, ensure_ascii=False)[:600]}")
                break
        else:
            for k in ("log", "hierarchy"):
                if ta[k] != tb[k]:
                    print(f"  the {k} differs")
    n = len(sequences)
    if differ:
        print(f"differential: {differ} of {n} sequences differ between Python and JavaScript")
        return 1
    ops = sum(len(s["ops"]) for s in sequences)
    print(f"differential: {n} sequences ({ops} operations) give byte-identical transcripts in Python and JavaScript")
    return 0


if __name__ == "__main__":
    sys.exit(main())
