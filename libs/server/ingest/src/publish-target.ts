/**
 * Where the stream key sits in a publish request. OBS and ffmpeg: app `live`, stream name `<key>`.
 * Also `live/<name>?token=<key>` (the key as a query parameter, the name only for the user's eyes).
 */
export function streamKeyFromPublish(streamName: string, query: Record<string, string> = {}): string | undefined {
  if (query.token) return query.token;
  const questionMark = streamName.indexOf('?');
  if (questionMark >= 0) {
    const params = new URLSearchParams(streamName.slice(questionMark + 1));
    const token = params.get('token') ?? params.get('key');
    if (token) return token;
    streamName = streamName.slice(0, questionMark);
  }
  return streamName || undefined;
}

/** Only the `live` application (with an optional trailing slash or instance) publishes. */
export function isPublishApp(app: string): boolean {
  return app.replace(/\/+$/, '').split('?')[0] === 'live';
}
