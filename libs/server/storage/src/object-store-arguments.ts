import { InvalidRangeError } from './storage-errors.js';

export const MAX_PAGE_SIZE = 1000;

/** Throws InvalidRangeError unless `start..end` is a non-empty inclusive range of safe integers. */
export function checkRange(start: number, end: number): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new InvalidRangeError(start, end);
  }
}

/** A list page size within 1..MAX_PAGE_SIZE (default MAX_PAGE_SIZE). */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return MAX_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(limit)));
}
