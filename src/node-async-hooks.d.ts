// The part of node:async_hooks that workerd provides with the `nodejs_als` compatibility flag
// (wrangler.toml); the Worker's type check has no Node types.
declare module "node:async_hooks" {
  export class AsyncLocalStorage<T> {
    run<R>(store: T, callback: () => R): R;
    getStore(): T | undefined;
  }
}
