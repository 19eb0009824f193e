import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { expect, inject, it } from "vitest";

/**
 * The /docs page in a real browser (Debian's chromium driven by playwright-core; no browser
 * download), with every origin but the Worker's blocked: the reference must render from what
 * the Worker serves alone, offer nothing that needs another origin (Scalar's AI agent, its MCP
 * generation), and try no other origin.
 */
function chromiumPath(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return configured;
  try {
    return execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error(
      "The /docs browser test needs Chromium: `sudo apt-get install -y chromium` on Debian or Ubuntu (.ci/run does it), or set CHROMIUM_PATH to a Chromium or Chrome binary.",
    );
  }
}

it("renders every operation at /docs with every other origin blocked", async () => {
  const base = inject("workerUrl");
  const profile = mkdtempSync(join(tmpdir(), "docs-browser-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const origin = new URL(base).origin;
    const blocked: string[] = [];
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      blocked.push(url);
      return route.abort("blockedbyclient");
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy|is not defined/.test(message.text())) problems.push(message.text());
    });
    const response = await page.goto(`${base}/docs`);
    expect(response?.status()).toBe(200);
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, Record<string, { summary: string }>> };
    const summaries = Object.values(document.paths).flatMap((item) => Object.values(item).map((operation) => operation.summary));
    await page
      .getByText(summaries[0] ?? "", { exact: true })
      .first()
      .waitFor({ timeout: 30_000 });
    const text = (await page.locator("body").textContent()) ?? "";
    for (const summary of summaries) expect(text, summary).toContain(summary);
    expect(text.match(/Ask AI|\bMCP\b/gi) ?? []).toEqual([]);
    // Whatever the page does once it is idle (telemetry, a late feature) is tried by now.
    await page.waitForTimeout(2_000);
    expect(problems).toEqual([]);
    expect(blocked).toEqual([]);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

it("answers the bare origin with the reference and /favicon.ico with an icon", async () => {
  const base = inject("workerUrl");
  const root = await fetch(`${base}/`, { redirect: "manual" });
  expect(root.status).toBe(302);
  expect(new URL(root.headers.get("Location") ?? "", base).pathname).toBe("/docs");
  const icon = await fetch(`${base}/favicon.ico`);
  expect(icon.status).toBe(200);
  expect(icon.headers.get("Content-Type")).toMatch(/^image\//);
  expect(new Uint8Array(await icon.arrayBuffer()).subarray(0, 4)).toEqual(new Uint8Array([0, 0, 1, 0]));
});
