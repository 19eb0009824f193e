import { expect } from "vitest";
import { BASE, call, type Reply } from "./http";

/** Helpers of the data-edge tests (test/reliability/data-edges*.test.ts). */

export const utf8Length = (text: string) => new TextEncoder().encode(text).length;

export const codePointOrder = (a: string, b: string) => {
  const x = [...a].map((c) => c.codePointAt(0) as number);
  const y = [...b].map((c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
};

export const names = (reply: Reply) => reply.body.data.map((p: { name: string }) => p.name);

/** Every name a listing shows, following its Link headers page by page. */
export async function walk(path: string): Promise<string[]> {
  const seen: string[] = [];
  let url: string | null = path;
  for (let pages = 0; url && pages < 50; pages++) {
    const page = await call("GET", url);
    expect(page.status, page.text).toBe(200);
    seen.push(...names(page));
    const link = page.headers.get("Link");
    url = link ? link.slice(1, link.indexOf(">")).replace(BASE, "") : null;
  }
  return seen;
}
