// The web demo (examples/web/) in headless Chromium: serves the repository on localhost,
// clicks through the leak case and the elevator vote, checks what the page shows, and saves a
// screenshot to test-artifacts/demo.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { noBrowser, withBrowser } from "./chromium.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));

test("the demo page drives the leak case and the elevator vote", { skip: noBrowser }, async () => {
  await withBrowser(root, async (base, browser) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${base}/examples/web/index.html`);
    await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
    assert.equal(await page.locator("#xinjian tr").count(), 11, "10 grids and a header");
    assert.match(await page.locator("#xinjian").innerText(), /第1网格党支部/);

    // The grids on the map, and where the resident's GPS fix lands (converted from WGS-84).
    assert.equal(await page.locator("#map polygon").count(), 12, "10 grids, the compound, the community");
    assert.match(await page.locator("#located").innerText(), /矿工新村小区 · 新建社区第3网格/);
    assert.equal(await page.locator('#map polygon.hit').getAttribute("data-id"), "340404001001003");
    // A click in the north-east corner lands in grid 10.
    const box = await page.locator("#map").boundingBox();
    await page.mouse.click(box.x + box.width - 30, box.y + 30);
    assert.match(await page.locator("#located").innerText(), /新建社区第10网格/);

    // Only the next legal step is enabled; a disabled one says why.
    assert.equal(await page.locator('button[data-step="3"]').isDisabled(), true, "filing before the on-site check");
    for (let i = 1; i <= 3; i++) await page.click(`button[data-step="${i}"]`);
    assert.equal(await page.locator("#state").innerText(), "filed");
    assert.match(await page.locator("#who").innerText(), /运行管理服务中心/);
    await page.click("#refused");
    assert.match(await page.locator("#message").innerText(), /WanggeError ticket\.illegal_transition/);
    assert.equal(await page.locator("#state").innerText(), "filed", "a refused action changes nothing");
    for (let i = 4; i <= 16; i++) await page.click(`button[data-step="${i}"]`);
    assert.equal(await page.locator("#state").innerText(), "handled");
    assert.match(await page.locator('button[data-step="18"]').getAttribute("title"), /不能/);
    await page.click("#self-check");
    assert.match(await page.locator("#message").innerText(), /ticket\.separation_of_duty: .*处置方不得核查/);
    assert.equal(await page.locator("#state").innerText(), "handled", "a refused action changes nothing");
    for (let i = 17; i <= 18; i++) await page.click(`button[data-step="${i}"]`);
    assert.equal(await page.locator("#state").innerText(), "closed");
    assert.match(await page.locator("#log").innerText(), /whistle[\s\S]*sign_whistle[\s\S]*visit/);

    // The elevator vote: agreeing ballots from every owner of unit 2.
    const agree = page.locator('#ballots button[data-choice="agree"]');
    const n = await agree.count();
    assert.equal(n, 11, "12 flats, one owner holds two");
    await agree.nth(0).click();
    assert.match(await page.locator("#outcome").innerText(), /未通过/);
    for (let i = 1; i < n; i++) await agree.nth(i).click();
    assert.match(await page.locator("#outcome").innerText(), /通过 passed/);
    assert.ok((await page.locator("#explanation-en").innerText()).length > 20);

    await mkdir(join(root, "test-artifacts"), { recursive: true });
    await page.screenshot({ path: join(root, "test-artifacts", "demo.png"), fullPage: true });
    assert.deepEqual(errors, []);
  });
});

// The demo talking to a running wangge service (examples/service): a click on the map is
// posted as an Open311 report, which the service locates, stores and answers.
const serviceBin = process.env.WANGGE_SERVICE_BIN ??
  join(process.env.CARGO_TARGET_DIR ?? join(root, "target"), "debug", "wangge-service");
const noService = noBrowser || (!existsSync(serviceBin) && `no service binary at ${serviceBin} (cargo build -p wangge-service)`);

test("the demo reports a click on the map to a running wangge service", { skip: noService }, async () => {
  const store = join(await mkdtemp(join(tmpdir(), "wangge-demo-")), "xinjian.sqlite");
  const child = spawn(serviceBin, ["serve", store, "127.0.0.1:0"], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const line = await new Promise((ok, fail) => {
      child.stdout.once("data", (d) => ok(String(d)));
      child.once("exit", (code) => fail(new Error(`the service exited (${code})`)));
    });
    const service = line.match(/http:\/\/([0-9.:]+)\//)[0].replace(/\/$/, "");
    await withBrowser(root, async (base, browser) => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
      const errors = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(`${base}/examples/web/index.html?service=${encodeURIComponent(service)}`);
      await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
      const box = await page.locator("#map").boundingBox();
      await page.mouse.click(box.x + box.width - 30, box.y + 30); // grid 10
      await page.waitForSelector("#service[data-ticket]", { timeout: 15000 });
      assert.match(await page.locator("#service").innerText(), /xinjian-000001 reported in 新建社区第10网格 \(open/);
      // The service has it, located from the WGS-84 point the page sent.
      const [request] = await (await fetch(`${service}/open311/v2/requests/xinjian-000001.json`)).json();
      assert.equal(request.address_id, "340404001001010");
      assert.deepEqual(errors, []);
    });
  } finally {
    child.kill("SIGKILL");
  }
});
