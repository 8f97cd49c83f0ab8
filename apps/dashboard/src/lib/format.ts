/** Formatting shared by every page: numbers and times the way a person reads them. */

export function formatBitrate(bitsPerSecond: number | null | undefined): string {
  if (bitsPerSecond === null || bitsPerSecond === undefined || !Number.isFinite(bitsPerSecond)) return '–';
  if (bitsPerSecond >= 1_000_000) return `${(bitsPerSecond / 1_000_000).toFixed(2)} Mbit/s`;
  return `${Math.round(bitsPerSecond / 1000)} kbit/s`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** `1:02:03` or `2:05`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '–';
}

const clock = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** `14:05:09`: compact, for chart axes. */
export function formatClock(date: Date): string {
  return clock.format(date);
}

export function formatFps(fps: number | null | undefined): string {
  return fps === null || fps === undefined ? '–' : `${fps.toFixed(fps >= 10 ? 0 : 1)} fps`;
}

export function formatResolution(width?: number | null, height?: number | null): string {
  return width && height ? `${width}×${height}` : '–';
}

/** Turns a `<input type="datetime-local">` value into an ISO instant (or undefined when empty). */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

const VIDEO_CODECS: Array<[RegExp, string]> = [
  [/^(avc1|avc3)\./, 'H.264'],
  [/^(hvc1|hev1)\./, 'HEVC'],
  [/^av01\./, 'AV1'],
  [/^vp09\./, 'VP9'],
];
const AUDIO_CODECS: Array<[RegExp, string]> = [
  [/^mp4a\.40\.(5|29)$/, 'HE-AAC'],
  [/^mp4a\.40\./, 'AAC'],
  [/^opus$/i, 'Opus'],
  [/^mp4a\.6b$|^mp3$/i, 'MP3'],
];

/** `avc1.64001f` → `H.264`, `mp4a.40.2` → `AAC`; unknown codec strings are shown as they are. */
export function codecName(codec: string | null | undefined): string {
  if (!codec) return '–';
  for (const [pattern, name] of [...VIDEO_CODECS, ...AUDIO_CODECS]) if (pattern.test(codec)) return name;
  return codec;
}
