import { env } from "cloudflare:workers";
import type { PipelineRepository, WriteOptions } from "../../../src/domain/repository";
import { createApp } from "../../../src/http/app";

/**
 * The app with a planted lost-update bug, for showing that the checker catches one: PUT drops
 * the expected version its If-Match gave, so a stale PUT overwrites what it never saw. Every
 * other operation is the real repository's.
 */
export function appWherePutSkipsIfMatch() {
  const app = createApp({
    repository: (real) =>
      new Proxy(real, {
        get(target, property, receiver) {
          if (property !== "update") return Reflect.get(target, property, receiver);
          const update: PipelineRepository["update"] = (id, input, options: WriteOptions = {}) =>
            target.update(id, input, { ...options, expectedVersion: undefined });
          return update;
        },
      }),
  });
  return (request: Request) => app.fetch(request, env);
}
