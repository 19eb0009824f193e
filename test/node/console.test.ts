import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, resolve } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, inject, it } from "vitest";
import { accessibilityViolations, type Browser, launchBrowser, pageProblems } from "./support/browser.ts";
import { OPERATOR_TOKEN } from "./support/cli.ts";
import { type ConsoleSeed, seedConsole } from "./support/console-seed.ts";
import { root } from "./support/typecheck.ts";

/**
 * The web console at /console in Debian's Chromium, against the Worker under wrangler dev with
 * a small seeded world (support/console-seed.ts). One browser for the file; the steps run in
 * order on one page, as a person would go through it. Every step fails on a page error, a
 * console error it did not expect, or any request to another origin (all are aborted).
 */
const base = inject("workerUrl");
let seed: ConsoleSeed;
let browser: Browser;
let page: Page;
let problems: string[];
/** A webhook receiver on 127.0.0.1, answering 204 to each delivery, which it counts. */
let receiver: Server;
let delivered = 0;
let webhookUrl: string;

beforeAll(async () => {
  seed = await seedConsole(base);
  receiver = createServer((request, response) => {
    request.resume().on("end", () => {
      delivered++;
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((done) => receiver.listen(0, "127.0.0.1", done));
  webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  await seed.request("POST", `/v1/workspaces/${seed.a}/webhooks`, { url: webhookUrl, types: ["pipeline.deleted"] });
  browser = await launchBrowser(base);
  page = await browser.context.newPage();
  problems = pageProblems(page);
}, 60_000);

afterEach(async () => {
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(problems.splice(0)).toEqual([]);
  expect(browser.blocked).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  receiver?.close();
});

/** The console errors a step expects (Chromium logs each refused request), taken out of the step's problems. */
function expectRefusals(statuses: number[]) {
  const refused = problems.filter((text) => /Failed to load resource: the server responded with a status of \d+/.test(text));
  expect(refused.map((text) => Number(/status of (\d+)/.exec(text)?.[1]))).toEqual(statuses);
  problems.splice(0, problems.length, ...problems.filter((text) => !refused.includes(text)));
}

const heading = () => page.getByRole("heading", { level: 1 });

it("serves /console from the static assets with a Content-Security-Policy of this origin only", async () => {
  const response = await fetch(`${base}/console`);
  expect(response.status).toBe(200);
  const policy = response.headers.get("Content-Security-Policy") ?? "";
  for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) {
    expect(policy).toContain(directive);
  }
  expect(policy).not.toMatch(/https?:|unsafe-inline|unsafe-eval|\*/);
  await page.goto(`${base}/console`);
  await expect.poll(() => heading().textContent()).toBe("Sign in to the pipeline registry");
  // The browser holds the page to it: a script of the page cannot reach another origin.
  expect(await page.evaluate("fetch('https://example.com/').then(() => 'sent', () => 'refused')")).toBe("refused");
  expect(problems.splice(0).join("\n")).toMatch(/violates the following Content Security Policy directive: "connect-src 'self'"/);
  expect(browser.blocked).toEqual([]);
});

it("has an accessibility check that finds a serious violation when the page has one", async () => {
  await page.evaluate("document.querySelector('main').append(Object.assign(document.createElement('img'), { src: '/favicon.ico' }))");
  expect((await accessibilityViolations(page)).join()).toMatch(/^image-alt: /);
  await page.evaluate("document.querySelector('main img').remove()");
});

it("signs in with a key, kept in sessionStorage and sent only as a bearer header", async () => {
  const sent: { url: string; authorization: string | undefined }[] = [];
  page.on("request", (request) => sent.push({ url: request.url(), authorization: request.headers().authorization }));
  // With the keyboard alone: the form has the focus, Enter sends it, the new page's heading takes the focus.
  await page.keyboard.type(seed.key);
  await page.keyboard.press("Enter");
  await expect.poll(() => heading().textContent()).toBe("Pipelines");
  await expect.poll(() => page.evaluate("document.activeElement?.tagName")).toBe("H1");
  expect(await page.evaluate(() => Object.values(sessionStorage).join(""))).toContain(seed.key);
  const api = sent.filter(({ url }) => new URL(url).pathname.startsWith("/v1/"));
  expect(api.length).toBeGreaterThan(0);
  for (const { url, authorization } of api) {
    expect(authorization).toBe(`Bearer ${seed.key}`);
    expect(url).not.toContain(seed.key);
  }
  expect(page.url()).not.toContain(seed.key);
  await expect.poll(() => page.getByText(`Workspace ${seed.a}`).count()).toBe(1);
});

it("lists the pipelines with filters, sort and cursor paging, and finds one by name", async () => {
  const rows = page.locator("main tbody tr");
  await expect.poll(() => rows.count()).toBe(7);
  await expect.poll(() => page.getByText("7 pipelines match.").count()).toBe(1);
  await page.getByLabel("Per page").selectOption("5");
  await page.getByLabel("Sort by").selectOption("-name");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect.poll(() => rows.count()).toBe(5);
  expect(await rows.first().locator("th").textContent()).toBe("zeta-job");
  await page.getByRole("link", { name: "Next page" }).click();
  await expect.poll(() => rows.count()).toBe(2);
  expect(await rows.locator("th").allTextContents()).toEqual(["beta-job", "alpha-ingest"]);
  await page.getByRole("link", { name: "First page" }).click();
  await expect.poll(() => rows.count()).toBe(5);
  await page.getByLabel("Name (exact)").fill("alpha-ingest");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect.poll(() => rows.locator("th").allTextContents()).toEqual(["alpha-ingest"]);
  await page.getByLabel("Name (exact)").fill("no-such-pipeline");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect.poll(() => page.getByText("No pipeline matches these filters.").count()).toBe(1);
});

it("archives a pipeline and restores it, each with the ETag the page was drawn from", async () => {
  await page.goto(`${base}/console#/pipelines?name=beta-job`);
  await page.getByRole("link", { name: "beta-job" }).click();
  await expect.poll(() => heading().textContent()).toBe("beta-job");
  await page.getByRole("button", { name: "Archive" }).click();
  await expect.poll(() => page.getByRole("button", { name: "Restore" }).count()).toBe(1);
  expect(await page.locator("dl.summary").textContent()).toContain("Statearchived");
  await page.getByRole("button", { name: "Restore" }).click();
  await expect.poll(() => page.getByRole("button", { name: "Archive" }).count()).toBe(1);
  expect(await page.locator("dl.summary").textContent()).toContain("Stateactive");
  expect(await page.locator("dl.summary").textContent()).toContain("Version3");
});

it("shows a key of workspace A nothing of workspace B: a problem with its request id instead", async () => {
  await page.goto(`${base}/console#/pipelines?archived=all&limit=100`);
  await expect.poll(() => page.locator("main tbody tr").count()).toBe(7);
  expect(await page.locator("body").textContent()).not.toContain(seed.secret.name);
  await page.goto(`${base}/console#/pipelines/${seed.secret.id}`);
  const alert = page.getByRole("alert");
  await expect.poll(() => alert.count()).toBe(1);
  expect(await alert.textContent()).toMatch(/\(404\).*Request id: \S+/s);
  expect(await page.locator("body").textContent()).not.toContain(seed.secret.name);
  expectRefusals([404]);
});

it("opens a pipeline: its stages as a chain with their settings, and its configuration", async () => {
  await page.goto(`${base}/console#/pipelines?name=alpha-ingest`);
  await page.getByRole("link", { name: "alpha-ingest" }).click();
  await expect.poll(() => heading().textContent()).toBe("alpha-ingest");
  const stages = page.getByRole("list", { name: "Stages" }).locator(":scope > li");
  expect(await stages.count()).toBe(2);
  const compress = await stages.first().textContent();
  for (const text of ["compress", "compression", "zstd", "1 MiB", "enabled, sequential", "level", "3"]) expect(compress).toContain(text);
  const configuration = (await page.locator("dl.entries").last().textContent()) ?? "";
  expect(configuration).toContain("envprod");
  expect(configuration).toContain("ownerdata-team");
  expect(await page.getByRole("button", { name: "Archive" }).count()).toBe(1);
});

it("compares two versions side by side and marks the changed stage", async () => {
  await page.getByRole("link", { name: "History" }).click();
  await expect.poll(() => heading().textContent()).toBe("History of alpha-ingest");
  await expect.poll(() => page.getByRole("list", { name: "Revisions, newest first" }).locator(":scope > li").count()).toBe(3);
  await page.getByLabel("From").selectOption("1");
  await page.getByLabel("To").selectOption("2");
  await page.getByRole("button", { name: "Compare" }).click();
  const row = page.locator("table.diff tbody tr", { hasText: "stage 1 “compress” › algorithm" });
  await expect.poll(() => row.count()).toBe(1);
  expect(await row.locator("td").allTextContents()).toEqual(["gzip", "zstd"]);
  expect(await page.locator("li.stage.changed").evaluateAll((items) => items.map((item) => item.getAttribute("data-stage")))).toEqual([
    "compress",
    "compress",
  ]);
  if (process.env.CONSOLE_SCREENSHOT) {
    const path = resolve(root, process.env.CONSOLE_SCREENSHOT);
    mkdirSync(dirname(path), { recursive: true });
    await page.screenshot({ path });
  }
});

it("shows the 412 of a concurrent change instead of rolling back over it, and rolls back after a reload", async () => {
  const path = `/v1/workspaces/${seed.a}/pipelines/${seed.alpha}`;
  await seed.request("PATCH", path, { configuration: { team: "meanwhile" } });
  await page.getByRole("button", { name: "Roll back to version 1" }).click();
  const alert = page.getByRole("alert");
  await expect.poll(() => alert.count()).toBe(1);
  expect(await alert.textContent()).toMatch(/\(412\).*Request id: \S+.*changed since this page was loaded/s);
  expect((await seed.request<{ version: number }>("GET", path)).version).toBe(4);
  expectRefusals([412]);
  await alert.getByRole("button", { name: "Reload" }).click();
  await expect.poll(() => page.getByRole("list", { name: "Revisions, newest first" }).locator(":scope > li").count()).toBe(4);
  await page.getByRole("button", { name: "Roll back to version 1" }).click();
  await expect.poll(() => page.getByText("Rolled back to version 1: now version 5.").count()).toBe(1);
  const now = await seed.request<{ version: number; stages: { algorithm: string }[] }>("GET", path);
  expect(now.version).toBe(5);
  expect(now.stages[0]?.algorithm).toBe("gzip");
});

it("draws the metrics history as inline SVG charts, one point per kept metrics", async () => {
  await page.getByRole("link", { name: "Metrics" }).click();
  await expect.poll(() => heading().textContent()).toBe("Metrics");
  const history = await seed.request<{ data: unknown[] }>("GET", `/v1/workspaces/${seed.a}/pipelines/${seed.alpha}/metrics/history`);
  expect(history.data).toHaveLength(seed.metricsKept);
  for (const series of ["throughput", "bytes", "ratio", "errors"]) {
    await expect.poll(() => page.locator(`figure[data-series="${series}"] svg circle`).count()).toBe(seed.metricsKept);
  }
  const ys = await page
    .locator('figure[data-series="throughput"] svg circle')
    .evaluateAll((points) => points.map((p) => Number(p.getAttribute("cy"))));
  // Throughput grows with each recording: each point stands higher (a smaller y) than the one before.
  expect([...ys].sort((x, y) => y - x)).toEqual(ys);
});

it("lists the audit log and filters it by action", async () => {
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect.poll(() => heading().textContent()).toBe("Audit log");
  const rows = page.locator("main tbody tr");
  await expect.poll(() => rows.count()).toBeGreaterThan(5);
  await page.getByLabel("Action").fill("pipeline.rolledBack");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect.poll(() => rows.count()).toBe(1);
  expect(await rows.first().textContent()).toContain(seed.alpha);
});

it("lists the webhooks, shows an endpoint's delivery attempts, and sends a ping that reaches the receiver", async () => {
  await page.getByRole("link", { name: "Webhooks", exact: true }).click();
  await expect.poll(() => heading().textContent()).toBe("Webhooks");
  expect(await page.locator("main tbody tr").textContent()).toContain("pipeline.deleted");
  await page.getByRole("link", { name: webhookUrl }).click();
  await expect.poll(() => heading().textContent()).toBe("Webhook endpoint");
  await expect.poll(() => page.locator("main .empty").textContent()).toBe("No delivery attempted yet.");
  await page.getByRole("button", { name: "Send a ping" }).click();
  await expect.poll(() => page.getByRole("status").textContent()).toMatch(/^Ping \w+ sent/);
  // The attempt is recorded once the receiver has answered, through the local queue: reload until it shows.
  await expect
    .poll(
      async () => {
        await page.reload();
        await page.locator(".loading").waitFor({ state: "detached" });
        return page.locator("main tbody tr").allTextContents();
      },
      { timeout: 15_000, interval: 500 },
    )
    .toEqual([expect.stringMatching(/1succeeded204/)]);
  expect(delivered).toBe(1);
});

it("reads at a phone-sized window without scrolling sideways", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const route of [
    `#/pipelines/${seed.alpha}`,
    `#/pipelines/${seed.alpha}/history?from=1&to=2`,
    `#/pipelines/${seed.alpha}/metrics`,
    "#/webhooks",
  ]) {
    await page.goto(`${base}/console${route}`);
    await expect.poll(() => page.locator("main h1").textContent()).not.toMatch(/^(Pipeline|History|)$/);
    await page.locator(".loading").waitFor({ state: "detached" });
    expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), route).toBe(true);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
});

it("signs out and forgets the key", async () => {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect.poll(() => heading().textContent()).toBe("Sign in to the pipeline registry");
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
});

it("signs in with the operator token and chooses a workspace", async () => {
  await page.getByLabel("API key or operator token").fill(OPERATOR_TOKEN);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect.poll(() => heading().textContent()).toBe("Choose a workspace");
  await expect.poll(() => page.getByRole("list", { name: "Workspaces" }).locator("li").count()).toBeGreaterThan(1);
  await page.getByLabel("Workspace id").fill(seed.b);
  await page.getByRole("button", { name: "Open" }).click();
  await expect.poll(() => page.locator("main tbody tr th").allTextContents()).toEqual([seed.secret.name]);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect.poll(() => page.evaluate(() => sessionStorage.length)).toBe(0);
});
