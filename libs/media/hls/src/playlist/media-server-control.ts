// EXT-X-SERVER-CONTROL (RFC 8216bis 4.4.3.8): what the server supports (blocking reload, delta updates) and
// how far behind the live edge clients should play.
import { AttributeList } from './attributes.js';
import { formatDecimal } from './values.js';

export interface MediaServerControl {
  /** CAN-BLOCK-RELOAD=YES: `_HLS_msn` / `_HLS_part` requests are held until the segment or part exists. */
  canBlockReload?: boolean;
  /** CAN-SKIP-UNTIL, seconds: the Skip Boundary of delta updates (`_HLS_skip=YES`), at least 6 target durations. */
  canSkipUntil?: number;
  /** CAN-SKIP-DATERANGES=YES: delta updates may also skip EXT-X-DATERANGE tags (needs CAN-SKIP-UNTIL). */
  canSkipDateRanges?: boolean;
  /** PART-HOLD-BACK, seconds: at least 2, recommended 3 part targets. */
  partHoldBack?: number;
  /** HOLD-BACK, seconds: at least 3 target durations. */
  holdBack?: number;
}

export const SERVER_CONTROL_TAG = '#EXT-X-SERVER-CONTROL';
export const SERVER_CONTROL_PLACES = 3;

export function marshalMediaServerControl(control: MediaServerControl): string {
  const attributes: string[] = [];
  if (control.canBlockReload) attributes.push('CAN-BLOCK-RELOAD=YES');
  if (control.canSkipUntil !== undefined)
    attributes.push(`CAN-SKIP-UNTIL=${formatDecimal(control.canSkipUntil, SERVER_CONTROL_PLACES)}`);
  if (control.canSkipDateRanges) attributes.push('CAN-SKIP-DATERANGES=YES');
  if (control.partHoldBack !== undefined)
    attributes.push(`PART-HOLD-BACK=${formatDecimal(control.partHoldBack, SERVER_CONTROL_PLACES)}`);
  if (control.holdBack !== undefined)
    attributes.push(`HOLD-BACK=${formatDecimal(control.holdBack, SERVER_CONTROL_PLACES)}`);
  return `${SERVER_CONTROL_TAG}:${attributes.join(',')}\n`;
}

export function unmarshalMediaServerControl(value: string, line: number): MediaServerControl {
  const attributes = AttributeList.parse(value, SERVER_CONTROL_TAG, line);
  const control: MediaServerControl = {};
  if (attributes.yes('CAN-BLOCK-RELOAD')) control.canBlockReload = true;
  const canSkipUntil = attributes.float('CAN-SKIP-UNTIL');
  if (canSkipUntil !== undefined) control.canSkipUntil = canSkipUntil;
  if (attributes.yes('CAN-SKIP-DATERANGES')) {
    if (canSkipUntil === undefined) attributes.fail('CAN-SKIP-DATERANGES without CAN-SKIP-UNTIL');
    control.canSkipDateRanges = true;
  }
  const partHoldBack = attributes.float('PART-HOLD-BACK');
  if (partHoldBack !== undefined) control.partHoldBack = partHoldBack;
  const holdBack = attributes.float('HOLD-BACK');
  if (holdBack !== undefined) control.holdBack = holdBack;
  return control;
}
