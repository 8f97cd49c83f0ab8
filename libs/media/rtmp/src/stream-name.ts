/** A name with its `?key=value` query split off and parsed. */
export interface NameWithQuery {
  name: string;
  query: Record<string, string>;
}

/**
 * Splits `testkey?token=abc` (publish) or `live?token=abc` (connect app) into name and query, so a
 * key can be passed either as the stream name or as `?token=` (see DESIGN: RTMP URLs). Later
 * duplicates of a query key win. Leading/trailing slashes of the name are dropped.
 */
export function splitQuery(raw: string): NameWithQuery {
  const at = raw.indexOf('?');
  const name = (at < 0 ? raw : raw.slice(0, at)).replace(/^\/+|\/+$/g, '');
  const query: Record<string, string> = {};
  if (at >= 0) {
    for (const [key, value] of new URLSearchParams(raw.slice(at + 1))) {
      Object.defineProperty(query, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return { name, query };
}
