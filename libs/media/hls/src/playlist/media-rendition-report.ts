// EXT-X-RENDITION-REPORT (RFC 8216bis 4.4.5.4): where another rendition's live edge is, so a client switching
// to it can issue its first blocking request at once.
import { AttributeList } from './attributes.js';

export interface MediaRenditionReport {
  /** The other rendition's media playlist, relative to this one. */
  uri: string;
  /** LAST-MSN: its last Media Sequence Number. */
  lastMsn: number;
  /** LAST-PART: the index of its last Partial Segment (when it has parts). */
  lastPart?: number;
}

export const RENDITION_REPORT_TAG = '#EXT-X-RENDITION-REPORT';

export function marshalMediaRenditionReport(report: MediaRenditionReport): string {
  const lastPart = report.lastPart === undefined ? '' : `,LAST-PART=${report.lastPart}`;
  return `${RENDITION_REPORT_TAG}:URI="${report.uri}",LAST-MSN=${report.lastMsn}${lastPart}\n`;
}

export function unmarshalMediaRenditionReport(value: string, line: number): MediaRenditionReport {
  const attributes = AttributeList.parse(value, RENDITION_REPORT_TAG, line);
  const report: MediaRenditionReport = {
    uri: attributes.requiredUri(),
    lastMsn: attributes.requiredInteger('LAST-MSN'),
  };
  const lastPart = attributes.integer('LAST-PART');
  if (lastPart !== undefined) report.lastPart = lastPart;
  return report;
}
