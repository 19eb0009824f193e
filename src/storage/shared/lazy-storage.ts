import type { Storage } from "../../domain/storage";

type Parts = Omit<Storage, "ping">;

/**
 * A Storage whose parts are built when first used: a request builds only what it touches
 * (each backend's storage is made per request, over that request's session or connection).
 */
export function lazyStorage(make: { [K in keyof Parts]: () => Parts[K] }, ping: () => Promise<void>): Storage {
  const built: Partial<Parts> = {};
  const part = <K extends keyof Parts>(name: K): Parts[K] => {
    built[name] ??= make[name]();
    return built[name] as Parts[K];
  };
  return {
    get pipelines() {
      return part("pipelines");
    },
    get apiKeys() {
      return part("apiKeys");
    },
    get archiveRuns() {
      return part("archiveRuns");
    },
    ping,
  };
}
