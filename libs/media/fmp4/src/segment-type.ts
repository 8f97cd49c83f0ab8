import { serializeBoxes } from './box.js';
import { BRAND } from './fourcc.js';
import { styp } from './fragment-boxes.js';

/**
 * An optional `styp` (ISO/IEC 14496-12 8.16.2) to put in front of a media segment: CMAF segment brand
 * `cmfs` plus the DASH media-segment brands. HLS does not need it; recorders writing .m4s files may.
 */
export function writeSegmentType(): Buffer {
  return serializeBoxes([styp(BRAND.cmfs, [BRAND.cmfs, BRAND.msdh, BRAND.msix])]);
}
