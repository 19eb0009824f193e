import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { entityTagListPattern, MAX_IF_MATCH_VERSIONS, parseEntityTags } from "../../src/http/shared/preconditions";
import { resetDatabase } from "../support/backend";
import { call, createPipeline, pipelineBody } from "../support/http";
import { pipelinePath } from "../support/pipeline-paths";
import { propertyParameters } from "../support/properties";

/**
 * If-Match and If-None-Match by RFC 9110: `*` or a list of entity tags, a comma inside the
 * quotes being part of a tag; If-Match compares strongly and is met by any listed version,
 * If-None-Match compares weakly. A value off the grammar is a 400.
 */

beforeEach(() => resetDatabase());

const get = (id: string, ifNoneMatch: string) => call("GET", pipelinePath(id), { headers: { "If-None-Match": ifNoneMatch } });
const patch = (id: string, ifMatch: string, name = "patched") =>
  call("PATCH", pipelinePath(id), { headers: { "If-Match": ifMatch }, body: { name } });

/** Every write that honours If-Match, as one request on `id`. */
const writes = {
  put: (id: string, ifMatch: string) => call("PUT", pipelinePath(id), { headers: { "If-Match": ifMatch }, body: pipelineBody("put") }),
  patch: (id: string, ifMatch: string) => patch(id, ifMatch),
  archive: (id: string, ifMatch: string) => call("POST", pipelinePath(id, "/archive"), { headers: { "If-Match": ifMatch } }),
  rollback: (id: string, ifMatch: string) =>
    call("POST", pipelinePath(id, "/rollback"), { headers: { "If-Match": ifMatch }, body: { version: 1 } }),
  delete: (id: string, ifMatch: string) => call("DELETE", pipelinePath(id), { headers: { "If-Match": ifMatch } }),
};

describe("the entity-tag grammar", () => {
  it("reads a comma inside quotes as part of the tag, and lists with empty elements and white space", () => {
    expect(parseEntityTags('"a,b"')).toEqual([{ weak: false, opaque: "a,b" }]);
    expect(parseEntityTags(' , "1",W/"2" ,\t, "" ,')).toEqual([
      { weak: false, opaque: "1" },
      { weak: true, opaque: "2" },
      { weak: false, opaque: "" },
    ]);
    expect(parseEntityTags(",")).toEqual([]);
    expect(parseEntityTags(" * ")).toBe("*");
  });

  it("has a pattern in the document that admits only values the parser reads, the If-Match one at most the versions it allows", () => {
    const pattern = new RegExp(entityTagListPattern());
    const bounded = new RegExp(entityTagListPattern(MAX_IF_MATCH_VERSIONS));
    for (const value of [' , "1",W/"2" ,\t, "" ,', '"a,b"', " * ", ",", ""]) expect(pattern.test(value), value).toBe(true);
    for (const value of ['"1', 'w/"1"', '*, "1"', '"a b"', '"1" "2"']) expect(pattern.test(value), value).toBe(false);
    fc.assert(
      fc.property(fc.stringMatching(pattern), (value) => {
        expect(parseEntityTags(value)).not.toBeNull();
      }),
      propertyParameters(200),
    );
    fc.assert(
      fc.property(fc.stringMatching(bounded), (value) => {
        const tags = parseEntityTags(value);
        expect(tags === "*" || (tags !== null && tags.length <= MAX_IF_MATCH_VERSIONS)).toBe(true);
      }),
      propertyParameters(200),
    );
  });

  it("refuses what is off the grammar: bare or unclosed tags, a missing comma, a lowercase w/, a space or quote inside, * in a list", () => {
    for (const value of ['"1', "1", '"1" "2"', '"1""2"', 'w/"1"', 'W/ "1"', '"a b"', '"a"b"', '*, "1"', '"1";', "W/", '"1",,x', '"é€"']) {
      expect(parseEntityTags(value), value).toBeNull();
    }
  });
});

describe("If-Match", () => {
  it("gives 412, not 400, for one valid tag with a comma inside its quotes, on every conditional write", async () => {
    for (const [kind, write] of Object.entries(writes)) {
      const { id } = await createPipeline(`comma-${kind}`);
      const reply = await write(id, '"1,2"');
      expect(reply.status, kind).toBe(412);
      expect((await call("GET", pipelinePath(id))).body.version).toBe(1);
    }
  });

  it("goes ahead when the list names the current version, repeated, beside weak, foreign or empty elements", async () => {
    const { id } = await createPipeline("listed");
    expect((await patch(id, '"1", "1"', "a")).status).toBe(200);
    expect((await patch(id, 'W/"2", "x,y", , "2"', "b")).status).toBe(200);
    expect((await patch(id, '"3","3",', "c")).status).toBe(200);
    expect((await call("GET", pipelinePath(id))).body).toMatchObject({ name: "c", version: 4 });
  });

  it("is met by any of several listed versions, whichever of them is current, on every conditional write", async () => {
    for (const [kind, write] of Object.entries(writes)) {
      const { id } = await createPipeline(`any-${kind}`);
      expect((await patch(id, '"1"', `any-${kind}-2`)).status).toBe(200);
      expect((await patch(id, '"2"', `any-${kind}-3`)).status).toBe(200);
      const reply = await write(id, '"9", "1", "3", "2"');
      expect(reply.status, kind).toBe(kind === "delete" ? 204 : 200);
    }
  });

  it("gives 412 when no listed strong tag is current, a weak one included, and changes nothing", async () => {
    const { id } = await createPipeline("unlisted");
    for (const value of ['"2", "3"', 'W/"1"', 'W/"1", "2"', ",", '"01"', '"1x"']) {
      expect((await patch(id, value)).status, value).toBe(412);
    }
    expect((await call("GET", pipelinePath(id))).body).toMatchObject({ name: "unlisted", version: 1 });
  });

  it("tells 404 and 409 apart from 412 with a list: the first listed version that is current decides", async () => {
    const { id } = await createPipeline("archived-listed");
    expect((await writes.archive(id, '"1"')).status).toBe(200);
    expect((await patch(id, '"1", "2", "5"')).status).toBe(409);
    expect((await patch("01JD3ZK5Q8W7V6T5S4R3P2N1M0", '"1", "2"')).status).toBe(404);
  });

  it("answers 404, not 400, for a malformed value on a pipeline that does not exist, on every conditional write", async () => {
    for (const [kind, write] of Object.entries(writes)) {
      expect((await write("01JD3ZK5Q8W7V6T5S4R3P2N1M0", '"2')).status, kind).toBe(404);
    }
  });

  it("refuses a malformed value with 400 on an archived pipeline too, and changes nothing", async () => {
    const { id } = await createPipeline("archived-malformed");
    expect((await writes.archive(id, '"1"')).status).toBe(200);
    expect((await patch(id, '"2')).status).toBe(400);
    expect((await call("GET", pipelinePath(id))).body).toMatchObject({ name: "archived-malformed", version: 2, archived: true });
  });

  it(`takes * as any pipeline, and refuses a malformed value or more than ${MAX_IF_MATCH_VERSIONS} distinct versions with 400`, async () => {
    const { id } = await createPipeline("starred");
    expect((await patch(id, "*", "starred-2")).status).toBe(200);
    for (const value of ['"2', "2", '"2" "3"', 'w/"2"', '*, "2"']) expect((await patch(id, value)).status, value).toBe(400);
    const many = Array.from({ length: MAX_IF_MATCH_VERSIONS + 1 }, (_, i) => `"${i + 1}"`).join(", ");
    expect((await patch(id, many)).status).toBe(400);
    const enough = Array.from({ length: MAX_IF_MATCH_VERSIONS }, (_, i) => `"${i + 1}"`).join(", ");
    expect((await patch(id, enough, "starred-3")).status).toBe(200);
  });
});

describe("If-None-Match", () => {
  it("gives 200, not 400, for one valid tag with a comma inside its quotes", async () => {
    const { id } = await createPipeline("none-comma");
    const reply = await get(id, '"1,2"');
    expect(reply.status).toBe(200);
    expect(reply.body.version).toBe(1);
  });

  it("gives 304 when any listed tag matches by weak comparison, and 200 when none does", async () => {
    const { id } = await createPipeline("none-list");
    expect((await get(id, '"a,b", W/"1"')).status).toBe(304);
    expect((await get(id, ' , "1",')).status).toBe(304);
    expect((await get(id, '"2", W/"3", "1,"')).status).toBe(200);
    expect((await get(id, ",")).status).toBe(200);
    expect((await get(id, '"1" "2"')).status).toBe(400);
  });
});
