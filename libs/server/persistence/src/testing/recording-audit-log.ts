import type { AuditEntry, AuditLog } from '../audit-log.js';

/** An AuditLog that keeps its entries in memory, for service specs with their repositories faked. */
export function recordingAuditLog(): AuditLog & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  const log = {
    entries,
    async record(entry: AuditEntry): Promise<void> {
      entries.push(entry);
    },
  };
  return log as unknown as AuditLog & { entries: AuditEntry[] };
}
