// The README's JavaScript blocks, run as written against the built package: each block is
// written to a scratch project whose node_modules/wangge is this package, so the import
// resolves through the package's own `exports` map.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// The repository README and the package's own.
const blocks = ["../../README.md", "../README.package.md"].flatMap((file) =>
  [...readFileSync(new URL(file, import.meta.url), "utf8").matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]));

test("the READMEs have JavaScript blocks", () => assert.ok(blocks.length >= 3));

blocks.forEach((code, i) => {
  test(`README JavaScript block ${i + 1} runs`, () => {
    const dir = mkdtempSync(join(tmpdir(), "wangge-readme-"));
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(fileURLToPath(new URL("../pkg", import.meta.url)), join(dir, "node_modules", "wangge"), "dir");
    writeFileSync(join(dir, "block.mjs"), code);
    const out = execFileSync(process.execPath, [join(dir, "block.mjs")], { encoding: "utf8" });
    // Lines with a `// expected` comment print what the comment says.
    const expected = [...code.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
    assert.deepEqual(out.trim() ? out.trim().split("\n") : [], expected);
  });
});
