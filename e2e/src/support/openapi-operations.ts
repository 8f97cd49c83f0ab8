import assert from 'node:assert/strict';

/** `"<method> <path template>"` of every operation in an OpenAPI document, sorted. */
export function openApiOperations(document: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`))
    .sort();
}

/** Fails unless `table` has an entry for exactly the document's operations (a new route needs a row). */
export function assertCoversEveryOperation(
  table: Record<string, unknown>,
  document: { paths: Record<string, Record<string, unknown>> },
  what: string,
): void {
  assert.deepEqual(
    Object.keys(table).sort(),
    openApiOperations(document),
    `${what} covers exactly the documented routes`,
  );
}
