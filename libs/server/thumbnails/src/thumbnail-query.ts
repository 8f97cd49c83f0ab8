/** Widths a thumbnail may be asked for; larger asks get the largest (a picture, not a video frame grab). */
export const MIN_WIDTH = 16;
export const MAX_WIDTH = 1920;

export type QueryValue<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * `?width=`: whole pixels, clamped to 16..1920 and to the source width when known (no upscaling), rounded
 * down to even (4:2:0 pictures). Unset: the source width (capped), or undefined when unknown (ffmpeg keeps
 * the picture's own, capped). Anything but digits is refused.
 */
export function parseWidth(text: string | undefined, sourceWidth = 0): QueryValue<number | undefined> {
  const cap = sourceWidth > 0 ? Math.min(MAX_WIDTH, sourceWidth) : MAX_WIDTH;
  if (text === undefined || text === '') return { ok: true, value: sourceWidth > 0 ? even(cap) : undefined };
  if (!/^\d{1,6}$/.test(text)) return { ok: false, reason: 'width must be a whole number of pixels' };
  return { ok: true, value: even(Math.max(MIN_WIDTH, Math.min(cap, Number(text)))) };
}

function even(width: number): number {
  return Math.max(MIN_WIDTH, width - (width % 2));
}

/** `?time=`: seconds from the start of a recording (decimals allowed); unset: 0. */
export function parseTime(text: string | undefined): QueryValue<number> {
  if (text === undefined || text === '') return { ok: true, value: 0 };
  if (!/^\d{1,7}(\.\d{1,3})?$/.test(text)) return { ok: false, reason: 'time must be seconds such as 12 or 12.5' };
  return { ok: true, value: Number(text) };
}
