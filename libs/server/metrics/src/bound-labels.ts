/**
 * A labelled metric's children, bound once per combination of label values: prom-client hashes the label
 * object on every `inc`/`observe` given one, which showed in the profile of the request path. Label values
 * come from small fixed sets (kinds, statuses, outcomes), so the map stays small.
 */
export class BoundLabels<T> {
  private readonly children = new Map<string, T>();

  constructor(private readonly bind: (...values: string[]) => T) {}

  get(...values: string[]): T {
    const key = values.join('\u0000');
    let child = this.children.get(key);
    if (!child) {
      child = this.bind(...values);
      this.children.set(key, child);
    }
    return child;
  }
}
