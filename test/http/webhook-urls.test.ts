import { beforeAll, describe, expect, it } from "vitest";
import { webhookUrlProblem } from "../../src/domain/webhook-url";
import { resetDatabase } from "../support/backend";
import { call } from "../support/http";
import { createEndpoint, WEBHOOKS } from "../support/webhooks";

/**
 * Where a webhook may point (src/domain/webhook-url.ts): every forbidden shape is a 400 naming
 * `/url` at create and at PATCH, and changes nothing. The tests run with WEBHOOK_ALLOW_LOOPBACK=true
 * (vitest.config.ts), which lets `http://127.0.0.1:<port>` and `http://localhost:<port>` alone through.
 */

const FORBIDDEN = [
  "http://hooks.example.com/x",
  "ftp://hooks.example.com/x",
  "hooks.example.com/x",
  "",
  `https://hooks.example.com/${"a".repeat(2030)}`,
  "https://user:pass@hooks.example.com/x",
  "https://user@hooks.example.com/x",
  // Loopback, in every form the URL parser turns into 127.x.x.x.
  "https://127.0.0.1/x",
  "https://127.1.2.3:8443/x",
  "https://2130706433/x",
  "https://0x7f000001/x",
  "https://0x7f.1/x",
  "https://017700000001/x",
  "https://127.1/x",
  "https://localhost/x",
  "https://api.localhost/x",
  "http://127.0.0.1/x",
  "http://localhost/x",
  // Private ranges.
  "https://10.0.0.1/x",
  "https://10.255.255.255/x",
  "https://172.16.0.1/x",
  "https://172.31.255.254/x",
  "https://192.168.1.1/x",
  "https://3232235777/x",
  // Link-local, and the cloud metadata address within it.
  "https://169.254.169.254/latest/meta-data",
  "https://0xa9fea9fe/x",
  // Unspecified.
  "https://0.0.0.0/x",
  "https://0/x",
  "https://[::]/x",
  // IPv6 loopback, link-local, unique-local, and IPv4 addresses mapped into IPv6.
  "https://[::1]/x",
  "https://[0:0:0:0:0:0:0:1]/x",
  "https://[fe80::1]/x",
  "https://[febf::1]/x",
  "https://[fc00::1]/x",
  "https://[fd12:3456::1]/x",
  "https://[::ffff:127.0.0.1]/x",
  "https://[::ffff:7f00:1]/x",
  "https://[::ffff:10.0.0.1]/x",
  "https://[::ffff:192.168.0.1]/x",
  "https://[::ffff:169.254.169.254]/x",
  "https://[::127.0.0.1]/x",
];

const ALLOWED = [
  "https://hooks.example.com/x?y=1#z",
  "https://8.8.8.8/x",
  "https://172.32.0.1/x",
  "https://172.15.255.255/x",
  "https://192.169.0.1/x",
  "https://169.255.0.1/x",
  "https://11.0.0.1/x",
  "https://[2606:4700::1111]/x",
  "https://[fec0::1]/x",
  "https://[::ffff:8.8.8.8]/x",
  // Only with WEBHOOK_ALLOW_LOOPBACK=true, as these tests run.
  "http://127.0.0.1:8080/hook",
  "http://localhost:3000/hook",
];

describe("webhook URLs", () => {
  let existing: string;
  beforeAll(async () => {
    await resetDatabase();
    existing = (await createEndpoint("https://hooks.example.com/kept")).id;
  });

  it.each(FORBIDDEN)("%s is refused at create and at PATCH, naming /url", async (url) => {
    const created = await call("POST", WEBHOOKS, { body: { url } });
    expect(created.status).toBe(400);
    expect(created.body.errors).toEqual([expect.objectContaining({ path: "/url" })]);
    const patched = await call("PATCH", `${WEBHOOKS}/${existing}`, { body: { url } });
    expect(patched.status).toBe(400);
    expect(patched.body.errors).toEqual([expect.objectContaining({ path: "/url" })]);
    expect((await call("GET", `${WEBHOOKS}/${existing}`)).body.url).toBe("https://hooks.example.com/kept");
  });

  it("refused at create leave no endpoint behind", async () => {
    expect((await call("GET", WEBHOOKS)).body.data).toHaveLength(1);
  });

  it.each(ALLOWED)("%s is taken", async (url) => {
    expect((await call("POST", WEBHOOKS, { body: { url } })).status).toBe(201);
    expect((await call("PATCH", `${WEBHOOKS}/${existing}`, { body: { url } })).status).toBe(200);
  });

  it("let no loopback address through without WEBHOOK_ALLOW_LOOPBACK", () => {
    for (const url of ["http://127.0.0.1:8080/hook", "http://localhost:3000/hook", "https://127.0.0.1:8443/hook"]) {
      expect(webhookUrlProblem(url, false), url).not.toBeNull();
    }
    for (const url of FORBIDDEN) expect(webhookUrlProblem(url, false), url).not.toBeNull();
    expect(webhookUrlProblem("http://127.0.0.1/hook", true)).not.toBeNull();
    expect(webhookUrlProblem("http://127.0.0.2:8080/hook", true)).not.toBeNull();
  });
});
