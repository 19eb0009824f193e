import { expect, inject, it } from "vitest";
import { launchBrowser, pageProblems } from "./support/browser.ts";

/**
 * The /docs page in a real browser (Debian's chromium driven by playwright-core; no browser
 * download), with every origin but the Worker's blocked: the reference must render from what
 * the Worker serves alone, offer nothing that needs another origin (Scalar's AI agent, its MCP
 * generation), and try no other origin.
 */
it("renders every operation at /docs with every other origin blocked", async () => {
  const base = inject("workerUrl");
  const browser = await launchBrowser(base);
  try {
    const page = await browser.context.newPage();
    const problems = pageProblems(page, /Content Security Policy|is not defined/);
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
    expect(browser.blocked).toEqual([]);
  } finally {
    await browser.close();
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
