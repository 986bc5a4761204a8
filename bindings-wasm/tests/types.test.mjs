// The generated TypeScript declarations: no `any` in the public API (the raw `InitOutput`
// table of wasm exports aside), and the types compile in strict mode (tsc runs separately).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

test("no `any` on public signatures", () => {
  for (const target of ["wangge.d.ts", "wangge.d.cts"]) {
    const dts = readFileSync(new URL(`../pkg/${target}`, import.meta.url), "utf8");
    // Cut the raw export table of the web target.
    const publicPart = dts.split(/export interface InitOutput|export type InitInput/)[0];
    const offenders = publicPart
      .split("\n")
      .filter((line) => /\bany\b/.test(line) && !line.trim().startsWith("*") && !line.trim().startsWith("/*") && !line.trim().startsWith("//"));
    assert.deepEqual(offenders, [], `${target}: ${offenders.join("\n")}`);
  }
});
