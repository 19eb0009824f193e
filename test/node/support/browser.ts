import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { root } from "./typecheck.ts";

/**
 * The browser tests' Chromium: Debian's (driven by playwright-core; no browser download), one
 * launch per test file, with every origin but the Worker's blocked and recorded, and the page's
 * errors collected, so a test can fail on either.
 */
export function chromiumPath(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return configured;
  try {
    return execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error(
      "The browser tests need Chromium: `sudo apt-get install -y chromium` on Debian or Ubuntu (.ci/run does it), or set CHROMIUM_PATH to a Chromium or Chrome binary.",
    );
  }
}

export interface Browser {
  context: BrowserContext;
  /** Every request to another origin: each was aborted. */
  blocked: string[];
  close(): Promise<void>;
}

/** Chromium with a profile of its own; requests to any origin but `allowed` are aborted and recorded. */
export async function launchBrowser(allowed: string): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "browser-test-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    viewport: { width: 1280, height: 800 },
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
  const origin = new URL(allowed).origin;
  const blocked: string[] = [];
  await context.route("**", (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    blocked.push(url);
    return route.abort("blockedbyclient");
  });
  return {
    context,
    blocked,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What went wrong in the page: uncaught errors and, unless `only` narrows them, every console error. */
export function pageProblems(page: Page, only?: RegExp): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && (!only || only.test(message.text()))) problems.push(message.text());
  });
  return problems;
}

const AXE = join(root, "node_modules/axe-core/axe.min.js");

/**
 * axe-core's serious and critical violations on the page as it stands, axe read from
 * node_modules (never a CDN). A page whose Content-Security-Policy allows this origin's scripts
 * only refuses an inline <script> (page.addScriptTag), so the tests would have to switch its
 * policy off to use one; evaluated by the browser's debugging protocol instead, axe runs under
 * the page's own policy, which stays as strict as it is served.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('"axe" in window'))) await page.evaluate(readFileSync(AXE, "utf8"));
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run: () => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe;
    const result = await axe.run();
    return result.violations.map(({ id, impact, nodes }) => ({ id, impact, targets: nodes.map((node) => node.target.join(" ")) }));
  });
  return violations
    .filter(({ impact }) => impact === "serious" || impact === "critical")
    .map(({ id, targets }) => `${id}: ${targets.join(", ")}`);
}
