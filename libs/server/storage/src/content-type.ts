import { extname } from 'node:path';

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** The media types this server writes, by extension (RFC 8216 for HLS, RFC 8081/ISO BMFF for fMP4). */
const BY_EXTENSION: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.m4s': 'video/iso.segment',
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.m4a': 'audio/mp4',
  '.ts': 'video/mp2t',
  '.aac': 'audio/aac',
  '.vtt': 'text/vtt',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
};

/**
 * The content type for `key` by its extension. The local store has nowhere to keep a type per file, so
 * it always answers this; GCS keeps what `put` was given and falls back to this.
 */
export function contentTypeFor(key: string): string {
  return BY_EXTENSION[extname(key).toLowerCase()] ?? DEFAULT_CONTENT_TYPE;
}
