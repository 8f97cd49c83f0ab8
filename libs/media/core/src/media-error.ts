/**
 * A typed failure from pure media code: malformed or out-of-bounds input. Callers at the network
 * edge log and count it by `code`; nothing in libs/media throws anything else for bad input.
 */
export class MediaFormatError extends Error {
  constructor(
    readonly code: string,
    message?: string,
  ) {
    super(message ? `${code}: ${message}` : code);
    this.name = 'MediaFormatError';
  }
}
