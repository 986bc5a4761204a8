// The differential test's JavaScript runner (tests/differential/README.md): the sequences of
// tests/differential/generate.py through the WebAssembly package, one transcript line per
// sequence (what each operation returned or the error it raised, then the ledger's JSON-lines
// log and the hierarchy's document), written exactly as the Python runner
// (bindings-python/tests/differential.py) writes its own; the two must be byte-identical.
//
// Usage: node differential.mjs SEQUENCES.jsonl > TRANSCRIPT.jsonl
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

import { Session } from "./session.mjs";

/** JSON with sorted keys, no spaces, `undefined` members left out (as JSON.stringify does). */
function dump(v) {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : dump(x))).join(",")}]`;
  if (v instanceof Map) return dump(Object.fromEntries(v));
  if (typeof v === "object") {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${dump(v[k])}`).join(",")}}`;
  }
  if (typeof v === "bigint") return v.toString();
  return JSON.stringify(v);
}

const VOTE_OPS = new Set(["v.proxy", "v.cast", "v.cast_many", "v.cast_rows", "v.cast_proxy", "v.close", "v.passes", "v.tally", "v.outcome"]);

function transcript(setup, ops) {
  const s = new Session(setup);
  const results = [];
  for (const o of ops) {
    // A vote operation after a refused `v.open` has no vote to act on: recorded, not run.
    if ((o.op === "v.open" && !s.electorate) || (VOTE_OPS.has(o.op) && !s.vote)) {
      results.push({ unavailable: o.op });
      continue;
    }
    const acts = o.op === "t.apply" || o.op === "t.report";
    const before = acts ? s.ledger().toJsonl() : undefined;
    try {
      results.push({ ok: s.run(o) });
    } catch (e) {
      if (e?.name !== "WanggeError" && e?.code === undefined) throw e;
      if (acts && s.ledger().toJsonl() !== before) { results.push({ refusalChangedTheLog: e.code }); continue; }
      results.push({ error: e.code, details: e.details, message: e.message });
    }
  }
  return { results, log: s.ledger().toJsonl(), hierarchy: s.h.toJson() };
}

const lines = createInterface({ input: createReadStream(process.argv[2], "utf8"), crlfDelay: Infinity });
let header;
for await (const line of lines) {
  if (!line) continue;
  if (!header) {
    header = JSON.parse(line);
    if (header.format !== "wangge.differential" || header.version !== 1) throw new Error(`not a differential file: ${line.slice(0, 80)}`);
    continue;
  }
  const seq = JSON.parse(line);
  process.stdout.write(dump({ seed: seq.seed, ...transcript(header.setup, seq.ops) }) + "\n");
}
