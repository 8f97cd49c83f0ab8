import type { Logger } from '@rapidrtmp/server-logging';
import type { PushTargetEntity } from '@rapidrtmp/server-persistence';
import { type SecretBox, SecretBoxError } from '@rapidrtmp/server-secrets';
import type { LiveStream, PushTargetStatusDto } from '@rapidrtmp/server-streams';
import { restingStatus } from './push-status.js';
import { type PushConnector, PushRelay, type PushRelayEvents } from './push-relay.js';
import { parsePushTargetUrl } from './push-target-url.js';
import type { PushTargetsRepository, TargetVersion } from './push-targets.repository.js';
import type { PushTiming } from './push-types.js';

/** One target of the live key: the row as loaded, and its relay while it is enabled and readable. */
interface Entry {
  row: PushTargetEntity;
  relay?: PushRelay;
  /** Why an enabled target cannot be pushed (its stored key does not open with this server's key). */
  problem?: string;
}

export interface StreamPushesDeps {
  targets: PushTargetsRepository;
  box: SecretBox;
  connect: PushConnector;
  events: PushRelayEvents;
  timing: PushTiming;
  log: Logger;
  /** The set of entries changed (counts by state). */
  changed(): void;
}

/**
 * The push targets of one live stream on this node: loads them, runs a PushRelay per enabled target, and on
 * a reload keeps relays whose target did not change (a rename is only a new label), stops the ones disabled,
 * deleted or changed, and starts new ones. Reloads run one at a time; a reload asked for meanwhile runs once
 * after it.
 */
export class StreamPushes {
  private entries = new Map<string, Entry>();
  private loading: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  /** Of the rows last loaded: ids and update times (compared with `versionsFingerprint`). */
  fingerprint = '';

  constructor(
    readonly stream: LiveStream,
    private readonly deps: StreamPushesDeps,
  ) {}

  reload(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = (async () => {
      do {
        this.again = false;
        try {
          const rows = await this.deps.targets.listByKey(this.stream.info.streamKeyId);
          if (!this.stopped) this.apply(rows);
        } catch (error) {
          this.deps.log.warn(
            { err: error, streamKeyId: this.stream.info.streamKeyId },
            'could not load restream targets; the next check retries',
          );
        }
      } while (this.again && !this.stopped);
    })().finally(() => (this.loading = undefined));
    return this.loading;
  }

  status(): PushTargetStatusDto[] {
    return [...this.entries.values()].map(({ row, relay, problem }) => {
      if (relay) return relay.status();
      const resting = restingStatus(row);
      return problem ? { ...resting, state: 'retrying' as const, lastError: problem } : resting;
    });
  }

  /** Every relay's state, for the gauge. */
  states(): string[] {
    return this.status().map((s) => s.state);
  }

  stop(): void {
    this.stopped = true;
    for (const entry of this.entries.values()) entry.relay?.stop();
    this.entries.clear();
    this.deps.changed();
  }

  private apply(rows: PushTargetEntity[]): void {
    const next = new Map<string, Entry>();
    for (const row of rows) {
      const entry = this.entries.get(row.id);
      if (entry && sameEndpoint(entry.row, row)) {
        entry.row = row;
        if (entry.relay) entry.relay.target.label = row.label;
        next.set(row.id, entry);
        continue;
      }
      entry?.relay?.stop();
      next.set(row.id, this.entryFor(row));
    }
    for (const [id, entry] of this.entries) if (!next.has(id)) entry.relay?.stop();
    this.entries = next;
    this.fingerprint = fingerprintOf(rows);
    this.deps.changed();
  }

  private entryFor(row: PushTargetEntity): Entry {
    if (!row.enabled) return { row };
    const parsed = parsePushTargetUrl(row.url);
    if ('problem' in parsed) return { row, problem: `the stored URL ${parsed.problem}` };
    let streamKey: string;
    try {
      streamKey = this.deps.box.open(row.streamKeySealed, row.id);
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      this.deps.log.error(
        { streamKeyId: row.streamKeyId, targetId: row.id, code: error.code, err: error },
        'cannot read a restream target’s stored stream key',
      );
      return { row, problem: `cannot read the stored stream key (${error.message}); enter the key again` };
    }
    const relay = new PushRelay(
      { id: row.id, label: row.label, address: parsed.address, streamKey },
      this.stream,
      this.deps.connect,
      this.deps.events,
      this.deps.timing,
      this.deps.log,
    );
    relay.start();
    return { row, relay };
  }
}

/** A change of label or update time alone keeps the push going; URL, key or enabled restart or stop it. */
function sameEndpoint(a: PushTargetEntity, b: PushTargetEntity): boolean {
  return a.url === b.url && a.streamKeySealed === b.streamKeySealed && a.enabled === b.enabled;
}

export function fingerprintOf(rows: ReadonlyArray<Pick<TargetVersion, 'id' | 'updatedAt'>>): string {
  return rows
    .map((row) => `${row.id}@${new Date(row.updatedAt).getTime()}`)
    .sort()
    .join(',');
}
