import type { Counter } from 'prom-client';
import type { MetricsRegistry } from './metrics-registry.js';

interface Source {
  read: () => Record<string, number>;
  reported: Record<string, number>;
}

/**
 * Every exporter of each counter name: a second exporter for a name (another app instance in one process,
 * as specs make) gets the counter already registered, whose collect hook must report it too.
 */
const exportersByName = new Map<string, Set<CountsExporter>>();

/**
 * Exports the plain cumulative counts a pure object keeps (a demuxer's drops, a packager's fixes) as
 * one labelled Prometheus counter, so the media hot path only increments numbers. What each live
 * object gained since it was last reported is added at scrape time and once more when it is released.
 */
export class CountsExporter {
  private readonly sources = new Map<object, Source>();
  private readonly counter: Counter<string>;
  private readonly labelName: string;

  constructor(registry: MetricsRegistry, config: { name: string; help: string; labelName: string }) {
    this.labelName = config.labelName;
    let exporters = exportersByName.get(config.name);
    if (!exporters) exportersByName.set(config.name, (exporters = new Set()));
    const sharing = exporters;
    this.counter = registry.counter({
      name: config.name,
      help: config.help,
      labelNames: [config.labelName],
      collect(this: Counter<string>) {
        for (const exporter of sharing) if (exporter.counter === this) exporter.reportAll();
      },
    });
    exporters.add(this);
  }

  /** Starts reporting `owner`'s counts: `read` returns label value -> count so far. */
  track(owner: object, read: () => Record<string, number>): void {
    this.sources.set(owner, { read, reported: {} });
  }

  /** Reports what `owner` gained since the last scrape and stops following it. */
  release(owner: object): void {
    const source = this.sources.get(owner);
    if (!source) return;
    this.report(source);
    this.sources.delete(owner);
  }

  private reportAll(): void {
    for (const source of this.sources.values()) this.report(source);
  }

  private report(source: Source): void {
    for (const [label, value] of Object.entries(source.read())) {
      const gained = value - (source.reported[label] ?? 0);
      if (gained > 0) this.counter.inc({ [this.labelName]: label }, gained);
      source.reported[label] = value;
    }
  }
}
