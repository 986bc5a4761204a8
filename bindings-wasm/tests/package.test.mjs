// The npm package as a user gets it: `npm pack`ed, unpacked into a scratch project, then
// checked by publint and @arethetypeswrong/cli, imported from Node (ES modules and CommonJS),
// type-checked by TypeScript under node16 (CommonJS and ESM) and bundler resolution, built into
// a Vite app and an esbuild app that run in headless Chromium, and the READMEs' JavaScript
// blocks run unchanged in the browser (readme.test.mjs runs them in Node).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { noBrowser, visit, withBrowser } from "./chromium.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const pkg = join(here, "..", "pkg");
const bin = (name) => join(here, "..", "node_modules", ".bin", name);
const expected = { state: "filed", refused: "WanggeError ticket.illegal_transition", passed: true };

let scratch; // a project with node_modules/wangge unpacked from the tarball
let tarball;

before(() => {
  scratch = mkdtempSync(join(tmpdir(), "wangge-package-"));
  const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", scratch], { cwd: pkg, encoding: "utf8" }));
  tarball = join(scratch, packed[0].filename);
  mkdirSync(join(scratch, "node_modules", "wangge"), { recursive: true });
  execFileSync("tar", ["xzf", tarball, "-C", join(scratch, "node_modules", "wangge"), "--strip-components=1"]);
  cpSync(join(here, "apps"), join(scratch, "apps"), { recursive: true });
});

test("the tarball carries each module once: for browsers (size) and for Node (speed)", () => {
  const files = execFileSync("tar", ["tzf", tarball], { encoding: "utf8" }).trim().split("\n");
  assert.deepEqual(files.filter((f) => f.endsWith(".wasm")).sort(), ["package/wangge_bg.wasm", "package/wangge_node.wasm"]);
  const unpacked = join(scratch, "node_modules", "wangge");
  // Node's two entries load the Node module; the browsers' glue, only the module it is given
  // or the one next to it.
  assert.match(readFileSync(join(unpacked, "wangge.cjs"), "utf8"), /\/wangge_node\.wasm`/);
  assert.match(readFileSync(join(unpacked, "node.mjs"), "utf8"), /"\.\/wangge_node\.wasm"/);
  assert.doesNotMatch(readFileSync(join(unpacked, "wangge.js"), "utf8"), /wangge_node/);
  const manifest = JSON.parse(readFileSync(join(scratch, "node_modules", "wangge", "package.json"), "utf8"));
  for (const file of manifest.files) assert.ok(files.includes(`package/${file}`), `${file} is packed`);
  const main = join(scratch, "node_modules", "wangge", manifest.main);
  assert.ok(readdirSync(join(scratch, "node_modules", "wangge")).includes(manifest.main.slice(2)), `main ${main} exists`);
});

test("publint reports nothing", () => {
  const out = execFileSync(bin("publint"), ["run", pkg, "--strict"], { encoding: "utf8" });
  assert.match(out, /All good!/);
});

test("arethetypeswrong reports nothing", () => {
  let out;
  try {
    out = execFileSync(bin("attw"), [tarball, "--format", "json"], { encoding: "utf8" });
  } catch (e) {
    out = e.stdout;
  }
  const report = JSON.parse(out);
  assert.deepEqual(report.analysis.problems, [], JSON.stringify(report.analysis.problems, null, 1));
});

test("Node: ES module (init is a no-op) and CommonJS entries", () => {
  writeFileSync(join(scratch, "esm.mjs"), `import init, { Ledger } from "wangge";
import { run } from "./apps/app.js";
await init(); await init();
if (typeof Ledger !== "function") throw new Error("no Ledger");
console.log(JSON.stringify(run()));`);
  assert.deepEqual(JSON.parse(execFileSync(process.execPath, [join(scratch, "esm.mjs")], { encoding: "utf8" })), expected);
  writeFileSync(join(scratch, "cjs.cjs"), `const { Hierarchy, Ledger } = require("wangge");
const h = new Hierarchy(); h.add("g1", "grid", "网格");
const l = new Ledger(h); l.report({ id: "T1", category: "livelihood.repair", unit: "g1" }, "g1", "2025-03-03T09:00:00+08:00");
console.log(l.get("T1").state);`);
  assert.equal(execFileSync(process.execPath, [join(scratch, "cjs.cjs")], { encoding: "utf8" }).trim(), "reported");
});

// The declarations use `Symbol.dispose` (handles work with `using`): strict checking of them
// (skipLibCheck false) needs TypeScript 5.2+ with the "esnext.disposable" lib; with the usual
// skipLibCheck true, plain es2022 does.
test("TypeScript: node16 CommonJS, node16 ESM and bundler projects type-check", () => {
  const cases = {
    cjs: { type: "commonjs", module: "node16", resolution: "node16",
      code: `import { Hierarchy, Ledger } from "wangge";\nconst l = new Ledger(new Hierarchy());\nexport const n: number = l.size;\n` },
    esm: { type: "module", module: "node16", resolution: "node16",
      code: `import init, { Hierarchy, Ledger } from "wangge";\nawait init();\nconst l = new Ledger(new Hierarchy());\nexport const n: number = l.size;\n` },
    bundler: { type: "module", module: "es2022", resolution: "bundler",
      code: `import init, { Hierarchy, Ledger } from "wangge";\nimport url from "wangge/wangge_bg.wasm";\nconst u: string = url;\nawait init({ module_or_path: u });\nexport const n: number = new Ledger(new Hierarchy()).size;\n` },
  };
  const configs = {
    strict: { lib: ["es2022", "dom", "esnext.disposable"], skipLibCheck: false },
    usual: { lib: ["es2022", "dom"], skipLibCheck: true },
  };
  for (const [name, c] of Object.entries(cases)) for (const [flavour, config] of Object.entries(configs)) {
    const dir = join(scratch, `ts-${name}-${flavour}`);
    mkdirSync(dir);
    cpSync(join(scratch, "node_modules"), join(dir, "node_modules"), { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `ts-${name}`, private: true, type: c.type }));
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: {
      strict: true, noEmit: true, target: "es2022", module: c.module, moduleResolution: c.resolution,
      types: [], ...config } }));
    writeFileSync(join(dir, "index.ts"), c.code);
    try {
      execFileSync(bin("tsc"), ["-p", dir], { encoding: "utf8" });
    } catch (e) {
      assert.fail(`${name} (${flavour}): ${e.stdout}`);
    }
  }
});

test("a Vite app and an esbuild app built from the tarball run in Chromium", { skip: noBrowser }, async () => {
  const apps = join(scratch, "apps");
  const { build } = await import(join(here, "..", "node_modules", "vite", "dist", "node", "index.js"));
  await build({
    root: join(apps, "vite"), base: "./", logLevel: "error", configFile: false,
    build: { outDir: join(scratch, "dist-vite"), target: "es2022",
      rollupOptions: { input: { main: join(apps, "vite", "index.html"), bare: join(apps, "vite", "bare.html") } } },
  });
  const esbuild = await import(join(here, "..", "node_modules", "esbuild", "lib", "main.js"));
  mkdirSync(join(scratch, "dist-esbuild"));
  await esbuild.build({
    entryPoints: [join(apps, "esbuild", "main.ts")], bundle: true, format: "esm", target: "es2022",
    outdir: join(scratch, "dist-esbuild"), loader: { ".wasm": "file" }, logLevel: "error",
    absWorkingDir: scratch,
  });
  cpSync(join(apps, "esbuild", "index.html"), join(scratch, "dist-esbuild", "index.html"));
  await withBrowser(scratch, async (base, browser) => {
    for (const page of ["dist-vite/index.html", "dist-vite/bare.html", "dist-esbuild/index.html"]) {
      const seen = await visit(browser, `${base}/${page}`);
      assert.deepEqual(seen.errors, [], page);
      assert.deepEqual(JSON.parse(seen.out), expected, page);
    }
  });
});

const blocks = (file) => [...readFileSync(file, "utf8").matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
const readmes = {
  README: join(here, "..", "..", "README.md"),
  "package README": join(here, "..", "README.package.md"),
};

test("the READMEs' JavaScript blocks run unchanged in the browser", { skip: noBrowser }, async () => {
  const routes = {};
  const pages = [];
  for (const [name, file] of Object.entries(readmes)) {
    blocks(file).forEach((code, i) => {
      const path = `/readme-${pages.length}.html`;
      routes[path] = `<!doctype html><meta charset="utf-8">
<script type="importmap">{"imports": {"wangge": "/node_modules/wangge/wangge.js"}}</script>
<script type="module">
${code}
document.body.dataset.ready = "true";
</script>`;
      pages.push({ name: `${name} block ${i + 1}`, path, code });
    });
  }
  assert.ok(pages.length >= 3);
  await withBrowser(scratch, async (base, browser) => {
    for (const p of pages) {
      const seen = await visit(browser, `${base}${p.path}`);
      assert.deepEqual(seen.errors, [], p.name);
      const wanted = [...p.code.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
      assert.deepEqual(seen.console, wanted, p.name);
    }
  }, routes);
});
