/**
 * Which stream session stored which init segments and segments of one playlist, so one that left the live
 * window can be read back from that session's recording. Sessions change only on republish, so this is
 * a short list of ranges (the first init index and msn each session stored), not a map per segment.
 */
export class ArchivedSessions {
  private readonly ranges: Array<{ kind: 'init' | 'segment'; from: number; sessionId: string }> = [];

  constructor(private readonly maxRanges = 1000) {}

  /** `sessionId` stored init `index` or segment `msn` (numbers only grow within a kind). */
  note(kind: 'init' | 'segment', number: number, sessionId: string): void {
    const last = this.ranges.findLast((range) => range.kind === kind);
    if (last?.sessionId === sessionId) return;
    this.ranges.push({ kind, from: number, sessionId });
    if (this.ranges.length > this.maxRanges) this.ranges.shift();
  }

  sessionOf(kind: 'init' | 'segment', number: number): string | undefined {
    return this.ranges.findLast((range) => range.kind === kind && range.from <= number)?.sessionId;
  }
}
