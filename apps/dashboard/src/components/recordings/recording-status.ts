import type { Schemas } from '@/lib/api';

export type RecordingStatus = Schemas['RecordingDto']['status'];

export const RECORDING_STATUS: Record<RecordingStatus, { label: string; color: string }> = {
  complete: { label: 'Complete', color: 'teal' },
  incomplete: { label: 'Incomplete', color: 'orange' },
  recording: { label: 'Recording', color: 'red' },
  deleted: { label: 'Deleted', color: 'gray' },
};

export const STORAGE_LABELS: Record<Schemas['RecordingDto']['storageBackend'], string> = {
  local: 'Local disk',
  gcs: 'Google Cloud Storage',
};

/** The same-origin path of a server URL, so the session cookie goes with it whatever PUBLIC_URL says. */
export function sameOriginPath(url: string): string {
  try {
    const parsed = new URL(url, window.location.origin);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}
