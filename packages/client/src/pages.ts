/** One page of a listing: its items, and the cursor of the next page (null on the last). */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * A listing, read a page at a time as it is iterated: `for await (const page of pages)`, or
 * `pages.items()` for the items one by one. Each page follows the `nextCursor` of the one
 * before (keyset paging), so every item is read once even while items are added elsewhere.
 */
export class Pages<T> implements AsyncIterable<Page<T>> {
  constructor(private readonly fetchPage: (cursor: string | undefined) => Promise<Page<T>>) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Page<T>> {
    let cursor: string | undefined;
    do {
      const page = await this.fetchPage(cursor);
      yield page;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }

  /** Every item of every page, in order. */
  async *items(): AsyncIterableIterator<T> {
    for await (const page of this) yield* page.data;
  }

  /** Every item of every page, in one array. */
  async all(): Promise<T[]> {
    const items: T[] = [];
    for await (const item of this.items()) items.push(item);
    return items;
  }
}
