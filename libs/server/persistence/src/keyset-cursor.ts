// Keyset pagination over (time, id): the cursor is the position of the last row served, opaque to clients.
import { BadRequestException } from '@nestjs/common';

export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(at);
    if (Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) throw new Error('bad cursor');
    return { at: date, id };
  } catch {
    throw new BadRequestException('Invalid cursor.');
  }
}

/** What paginated list filters share: a time window on the start and a keyset page (50 rows by default). */
export interface KeysetFilter {
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

/** A filter's window as a query takes it: one row more than the page, to tell whether another follows. */
export interface KeysetWindow {
  from?: Date;
  to?: Date;
  /** The position of the last row served: only rows before it. */
  before?: { at: Date; id: string };
  limit: number;
}

const DEFAULT_PAGE = 50;

export function keysetWindow(filter: KeysetFilter): KeysetWindow {
  return {
    from: filter.from ? new Date(filter.from) : undefined,
    to: filter.to ? new Date(filter.to) : undefined,
    before: filter.cursor ? decodeCursor(filter.cursor) : undefined,
    limit: (filter.limit ?? DEFAULT_PAGE) + 1,
  };
}

/** The page of rows fetched with `keysetWindow(filter)`, newest first, and the cursor of the next one. */
export function keysetPage<T extends { startedAt: Date; id: string }>(
  rows: T[],
  filter: KeysetFilter,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, filter.limit ?? DEFAULT_PAGE);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > items.length && last ? encodeCursor(last.startedAt, last.id) : null };
}
