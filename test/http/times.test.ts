import { beforeEach, describe, expect, it } from "vitest";
import { parseInstant } from "../../src/domain/time";
import { resetDatabase } from "../support/backend";
import { call, createPipeline, metricsBody } from "../support/http";

/** Times sent by clients: RFC 3339 with Z or ±hh:mm, a real instant, stored in UTC (docs/api.md). */

beforeEach(() => resetDatabase());

describe("times sent by clients", () => {
  it.each([
    ["2023-01-01T00:00:00+23", "an offset without minutes"],
    ["2023-01-01T00:00:00 +05:00", "a space before the offset"],
    ["2023-02-31T00:00:00Z", "February 31st"],
    ["2023-02-29T00:00:00Z", "February 29th of a common year"],
    ["2023-04-31T00:00:00Z", "April 31st"],
    ["2023-01-01T24:00:00Z", "hour 24"],
    ["2023-01-01T00:60:00Z", "minute 60"],
    ["2023-01-01T00:00:60Z", "a leap second"],
    ["2023-01-01T00:00:00+24:00", "an offset of 24 hours"],
    ["2023-01-01T00:00:00+05:60", "an offset of 60 minutes"],
    ["2023-01-01T00:00:00", "no offset"],
    ["2023-01-01", "a date alone"],
    ["2023-1-1T00:00:00Z", "one-digit month and day"],
    ["0000-01-01T00:00:00+01:00", "an instant before year 0"],
    ["Sun, 01 Jan 2023 00:00:00 GMT", "an HTTP date"],
  ])("refuses %s (%s) with a 400 naming the field, and stores nothing", async (time) => {
    const { id } = await createPipeline("timed");
    for (const field of ["startTime", "endTime"]) {
      const reply = await call("PUT", `/v1/workspaces/default/pipelines/${id}/metrics`, {
        body: metricsBody({ startTime: null, endTime: null, [field]: time }),
      });
      expect(reply.status).toBe(400);
      expect(reply.body.errors).toEqual([{ path: `/${field}`, message: expect.stringContaining("RFC 3339") }]);
    }
    expect((await call("GET", `/v1/workspaces/default/pipelines/${id}/metrics`)).status).toBe(404);
  });

  it("normalises offsets to UTC with milliseconds", async () => {
    const { id } = await createPipeline("timed");
    const body = metricsBody({ startTime: "2023-01-01T05:30:00.1234+05:30", endTime: "2024-02-29t23:59:59.999-00:01" });
    const reply = await call("PUT", `/v1/workspaces/default/pipelines/${id}/metrics`, { body });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ startTime: "2023-01-01T00:00:00.123Z", endTime: "2024-03-01T00:00:59.999Z" });
    expect((await call("GET", `/v1/workspaces/default/pipelines/${id}/metrics`)).body).toMatchObject({
      startTime: "2023-01-01T00:00:00.123Z",
    });
  });

  it("reads years 0 to 99 as written, not as 1900 to 1999", () => {
    expect(parseInstant("0050-06-01T00:00:00Z")?.toISOString()).toBe("0050-06-01T00:00:00.000Z");
    expect(parseInstant("2000-02-29T00:00:00Z")?.toISOString()).toBe("2000-02-29T00:00:00.000Z");
    expect(parseInstant("1900-02-29T00:00:00Z")).toBeNull();
    expect(parseInstant("9999-12-31T23:59:59Z")?.toISOString()).toBe("9999-12-31T23:59:59.000Z");
    expect(parseInstant("9999-12-31T23:59:59-00:01")).toBeNull();
  });
});
