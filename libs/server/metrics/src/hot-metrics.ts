import { BoundLabels } from './bound-labels.js';

type Labels = Record<string, string>;

/** What prom-client's registry reads of a metric at scrape time (its own metrics return the same shape). */
interface Snapshot {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  values: { metricName?: string; labels: Record<string, string | number>; value: number }[];
}

/** One label combination's count: a plain number the request path adds to. */
export class CountCell {
  value = 0;
  constructor(readonly labels: Labels) {}

  inc(by = 1): void {
    this.value += by;
  }
}

/** One label combination's histogram: counts per bucket (not cumulative), sum and count. */
export class HistogramCell {
  readonly buckets: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Labels,
    private readonly upperBounds: readonly number[],
  ) {
    this.buckets = new Float64Array(upperBounds.length);
  }

  observe(value: number): void {
    const bounds = this.upperBounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= (bounds[i] as number)) {
        this.buckets[i] = (this.buckets[i] as number) + 1;
        break;
      }
    }
    this.sum += value;
    this.count++;
  }
}

export interface HotMetricConfig {
  name: string;
  help: string;
  labelNames: readonly string[];
}

/**
 * A labelled metric whose per-event work is adding to a plain number: prom-client hashes the label set on
 * every `inc`/`observe`, even of a bound child, and every HTTP response updates several. Cells are bound
 * once per label combination (small fixed sets: method, route pattern, status) and read at scrape time;
 * the exposition is prom-client's own (the registry formats what `get()` returns).
 */
abstract class HotMetric<Cell extends { labels: Labels }> {
  readonly aggregator = 'sum' as const;
  protected readonly cells: Cell[] = [];
  private readonly bound: BoundLabels<Cell>;

  constructor(
    readonly name: string,
    readonly help: string,
    labelNames: readonly string[],
  ) {
    this.bound = new BoundLabels((...values) => {
      const labels: Labels = {};
      labelNames.forEach((label, i) => (labels[label] = values[i] ?? ''));
      const cell = this.createCell(labels);
      this.cells.push(cell);
      return cell;
    });
  }

  /** The cell of these label values, in the order of `labelNames` (at most three). */
  labels(first: string, second?: string, third?: string): Cell {
    return this.bound.get(first, second, third);
  }

  /** The one cell of a metric without labels. */
  unlabelled(): Cell {
    return this.bound.get('');
  }

  protected abstract createCell(labels: Labels): Cell;
}

/** A counter (`_total` by convention in its name) updated with plain additions. */
export class HotCounter extends HotMetric<CountCell> {
  readonly type = 'counter' as const;

  get(): Promise<Snapshot> {
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: this.cells.map((cell) => ({ labels: cell.labels, value: cell.value })),
    });
  }

  reset(): void {
    for (const cell of this.cells) cell.value = 0;
  }

  protected createCell(labels: Labels): CountCell {
    return new CountCell(labels);
  }
}

/** A histogram with fixed buckets updated with plain additions. */
export class HotHistogram extends HotMetric<HistogramCell> {
  readonly type = 'histogram' as const;

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    private readonly upperBounds: readonly number[],
  ) {
    super(name, help, labelNames);
  }

  get(): Promise<Snapshot> {
    const values: Snapshot['values'] = [];
    for (const cell of this.cells) {
      let cumulative = 0;
      this.upperBounds.forEach((bound, i) => {
        cumulative += cell.buckets[i] as number;
        values.push({ metricName: `${this.name}_bucket`, labels: { le: bound, ...cell.labels }, value: cumulative });
      });
      values.push(
        { metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...cell.labels }, value: cell.count },
        { metricName: `${this.name}_sum`, labels: cell.labels, value: cell.sum },
        { metricName: `${this.name}_count`, labels: cell.labels, value: cell.count },
      );
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    });
  }

  reset(): void {
    for (const cell of this.cells) {
      cell.buckets.fill(0);
      cell.sum = 0;
      cell.count = 0;
    }
  }

  protected createCell(labels: Labels): HistogramCell {
    return new HistogramCell(labels, this.upperBounds);
  }
}
