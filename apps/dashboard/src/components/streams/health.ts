/**
 * Ingest health at a glance, from the numbers the API reports. Each signal carries words, not just a
 * colour, so it reads the same to everybody.
 */
export type HealthLevel = 'good' | 'warn' | 'bad' | 'unknown';

export interface HealthSignal {
  key: 'bitrate' | 'keyframes' | 'dropped';
  level: HealthLevel;
  label: string;
  detail: string;
}

export const LEVEL_COLORS: Record<HealthLevel, string> = {
  good: 'teal',
  warn: 'yellow',
  bad: 'red',
  unknown: 'gray',
};

function coefficientOfVariation(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (mean === 0) return Infinity;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  return Math.sqrt(variance) / mean;
}

/** `samples`: recent ingest bit rates (each already averaged over a few seconds), oldest first. */
export function bitrateHealth(samples: number[]): HealthSignal {
  const detail = 'How much the ingest bit rate varied over the last half minute.';
  if (samples.length > 0 && samples[samples.length - 1] === 0)
    return { key: 'bitrate', level: 'bad', label: 'No data arriving', detail };
  if (samples.length < 3) return { key: 'bitrate', level: 'unknown', label: 'Bitrate: measuring', detail };
  const cv = coefficientOfVariation(samples);
  if (cv < 0.15) return { key: 'bitrate', level: 'good', label: 'Bitrate steady', detail };
  if (cv < 0.35) return { key: 'bitrate', level: 'warn', label: 'Bitrate fluctuating', detail };
  return { key: 'bitrate', level: 'bad', label: 'Bitrate unstable', detail };
}

/** Segments are cut at keyframes: an interval above the segment length stretches segments and latency. */
export function keyframeHealth(intervalMs: number | undefined): HealthSignal {
  const detail = 'Low-latency HLS works best with a keyframe every 2 seconds (set the encoder keyframe interval to 2).';
  if (intervalMs === undefined || intervalMs <= 0)
    return { key: 'keyframes', level: 'unknown', label: 'Keyframes: waiting', detail };
  const seconds = intervalMs / 1000;
  const label = `Keyframe every ${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  if (intervalMs <= 2500) return { key: 'keyframes', level: 'good', label, detail };
  if (intervalMs <= 4500) return { key: 'keyframes', level: 'warn', label, detail };
  return { key: 'keyframes', level: 'bad', label, detail };
}

/** Dropped frames relative to what arrived (`fps × duration` is close enough for a badge). */
export function droppedHealth(dropped: number, fps: number, durationSeconds: number): HealthSignal {
  const detail = 'Frames dropped before packaging: malformed, or sent before the first keyframe.';
  if (dropped === 0) return { key: 'dropped', level: 'good', label: 'No dropped frames', detail };
  const label = `${dropped} dropped frame${dropped === 1 ? '' : 's'}`;
  const total = Math.max(1, fps * durationSeconds);
  return { key: 'dropped', level: dropped / total < 0.005 ? 'warn' : 'bad', label, detail };
}

/** Per-second timeline → averages over `window` seconds (per-second bits jump at every keyframe). */
export function rollingAverages(values: number[], window: number): number[] {
  const out: number[] = [];
  for (let i = window - 1; i < values.length; i++) {
    let sum = 0;
    for (const value of values.slice(i - window + 1, i + 1)) sum += value;
    out.push(sum / window);
  }
  return out;
}
