// Headless Chromium for the browser tests: a static file server over a directory and a page
// that collects its errors and console output. Debian's chromium (apt) by default; CHROMIUM
// names another binary. Tests skip themselves when there is no browser.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { chromium } from "playwright-core";

export const browserPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const noBrowser = !existsSync(browserPath) && `no browser at ${browserPath}`;

const types = {
  ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript",
  ".json": "application/json", ".wasm": "application/wasm", ".css": "text/css",
};

/** Serves `root` on 127.0.0.1 (extra routes: path → body) and calls `fn(baseUrl, browser)`. */
export async function withBrowser(root, fn, routes = {}) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    try {
      const body = routes[path] ?? (path === "/favicon.ico" ? "" : await readFile(join(root, path)));
      res.writeHead(200, { "content-type": types[extname(path)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: browserPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    return await fn(base, browser);
  } finally {
    await browser.close();
    server.close();
  }
}

/** Opens `url`, waits for `body[data-ready=true]` (or `until`), returns the page's errors,
 * console lines and the text of `#out`. */
export async function visit(browser, url, { until = "body[data-ready=true]", timeout = 30000 } = {}) {
  const page = await browser.newPage();
  const errors = [];
  const console = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => (m.type() === "error" ? errors : console).push(m.text()));
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()}`));
  await page.goto(url);
  try {
    await page.waitForSelector(until, { timeout, state: "attached" });
  } catch (e) {
    throw new Error(`${url}: ${e.message}\nerrors: ${errors.join("\n")}`);
  }
  const out = await page.locator("#out").count() ? await page.locator("#out").innerText() : "";
  await page.close();
  return { errors, console, out };
}
