/**
 * A labelled metric's children, bound once per combination of label values: prom-client hashes the label
 * object on every `inc`/`observe` given one, which showed in the profile of the request path. Looked up
 * through one Map per label (no key string or argument array built per call: every HTTP response passes
 * here). Label values come from small fixed sets (kinds, statuses, outcomes), so the maps stay small.
 */
export class BoundLabels<T> {
  private readonly byOne = new Map<string, T>();
  private readonly byTwo = new Map<string, Map<string, T>>();
  private readonly byThree = new Map<string, Map<string, Map<string, T>>>();

  constructor(private readonly bind: (...values: string[]) => T) {}

  get(first: string, second?: string, third?: string): T {
    let byLast: Map<string, T>;
    if (second === undefined) byLast = this.byOne;
    else if (third === undefined) byLast = this.level(this.byTwo, first);
    else byLast = this.level(this.level(this.byThree, first), second);
    const last = third ?? second ?? first;
    let child = byLast.get(last);
    if (child === undefined) {
      child =
        second === undefined
          ? this.bind(first)
          : third === undefined
            ? this.bind(first, second)
            : this.bind(first, second, third);
      byLast.set(last, child);
    }
    return child;
  }

  private level<V>(map: Map<string, Map<string, V>>, key: string): Map<string, V> {
    let next = map.get(key);
    if (!next) map.set(key, (next = new Map<string, V>()));
    return next;
  }
}
