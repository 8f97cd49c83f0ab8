// Generated from libs/contracts/openapi.json by scripts/generate-contracts.mjs. Do not edit.
/* eslint-disable */
export interface paths {
  '/api/v1/api-tokens': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Your API tokens (admins: anyone’s with userId) */
    get: operations['listApiTokens'];
    put?: never;
    /** Create a scoped API token; the secret is in this response only */
    post: operations['createApiToken'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/api-tokens/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Revoke an API token (it stops working at once) */
    delete: operations['revokeApiToken'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Log in with e-mail and password */
    post: operations['login'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/logout': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** End the current session (the token or cookie stops working at once) */
    post: operations['logout'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The authenticated user */
    get: operations['getMe'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/password': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Change your own password (needs a login session); your other sessions and your API tokens end */
    post: operations['changeMyPassword'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/recordings': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Recordings, newest first (publishers: their own) */
    get: operations['listRecordings'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/recordings/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One recording */
    get: operations['getRecording'];
    put?: never;
    post?: never;
    /** Delete a recording and its stored objects (owner, moderator, admin) */
    delete: operations['deleteRecording'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/recordings/{id}/download': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The recording as one MP4 file (fragmented: one init segment, then every fragment) */
    get: operations['downloadRecording'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/roles': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every role and what it may do, most powerful first (the dashboard derives its pages from it) */
    get: operations['listRoles'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/sessions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Stream history, newest first (publishers: their own) */
    get: operations['listSessions'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/sessions/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One stream session */
    get: operations['getSession'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/stream-keys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Stream keys: your own, or (moderators, admins) anyone’s */
    get: operations['listStreamKeys'];
    put?: never;
    /** Create a stream key; the secret is in this response only */
    post: operations['createStreamKey'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/stream-keys/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One stream key */
    get: operations['getStreamKey'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /** Rename a key or switch signed playback: its live stream follows from the next publish on, its recordings at once */
    patch: operations['updateStreamKey'];
    trace?: never;
  };
  '/api/v1/stream-keys/{id}/ban': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Ban a key until a time; a live stream on it stops */
    post: operations['banStreamKey'];
    /** Lift a ban */
    delete: operations['unbanStreamKey'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/stream-keys/{id}/playback-token': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** A short-lived signed playback URL (keys with signed playback) */
    post: operations['createPlaybackToken'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/stream-keys/{id}/push-targets': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Restream targets of a key, with where each push stands (never their stream keys) */
    get: operations['listPushTargets'];
    put?: never;
    /**
     * Add a restream target (at most 10 per key); a live stream starts pushing to it within seconds
     * @description While the key is live, the server publishes its stream to every enabled target as an RTMP(S) client, from the latest keyframe on, and reconnects with backoff when a target drops. The stream key is stored encrypted and never returned.
     */
    post: operations['createPushTarget'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/stream-keys/{id}/push-targets/{targetId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Delete a restream target; a live push to it stops */
    delete: operations['deletePushTarget'];
    options?: never;
    head?: never;
    /** Rename, re-point, re-key, enable or disable a restream target; a live push follows within seconds */
    patch: operations['updatePushTarget'];
    trace?: never;
  };
  '/api/v1/stream-keys/{id}/regenerate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Replace the secret (same playback id); the old one stops working */
    post: operations['regenerateStreamKey'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/stream-keys/{id}/revoke': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Revoke a key for good; a live stream on it stops */
    post: operations['revokeStreamKey'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/streams/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A live stream with its last five minutes of ingest */
    get: operations['getLiveStream'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/streams/{id}/stop': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Stop a live stream: the publisher is disconnected, the playlist ends; optionally ban the key */
    post: operations['stopStream'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/streams/live': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Live streams with their stats (publishers: their own) */
    get: operations['listLiveStreams'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List users */
    get: operations['listUsers'];
    put?: never;
    /** Create a user with a role */
    post: operations['createUser'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/users/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One user */
    get: operations['getUser'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /** Change role, name or disable a user */
    patch: operations['updateUser'];
    trace?: never;
  };
  '/api/v1/users/{id}/password': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Set a new password for a user; their sessions end */
    post: operations['resetUserPassword'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/version': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Server name and version */
    get: operations['getVersion'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/webhooks': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List webhook endpoints (without secrets) */
    get: operations['listWebhooks'];
    put?: never;
    /**
     * Register a webhook endpoint
     * @description Events (`stream.started`, `stream.ended`, `stream.stopped`, `restream.failed`, `restream.recovered`) are POSTed to the URL as JSON. The response carries the signing `secret`, shown only this once.
     *
     *     Every delivery is a `POST` with a JSON body and three headers (Standard Webhooks):
     *
     *     - `webhook-id`: the event id (the same on every retry of that event; use it to drop duplicates),
     *     - `webhook-timestamp`: Unix seconds when this attempt was sent,
     *     - `webhook-signature`: `v1,<base64 signature>`.
     *
     *     To verify: take the endpoint secret (`whsec_…`, returned once when the endpoint is created), base64-decode
     *     the part after `whsec_` to get the key, compute `HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<raw body>")`,
     *     base64-encode it and compare it with the part after `v1,` using a constant-time comparison. Use the raw
     *     request body exactly as received (not re-serialized JSON), and reject timestamps more than a few minutes
     *     away from your clock to stop replays. In Node.js:
     *
     *     ```js
     *     const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
     *     const expected = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${rawBody}`).digest('base64');
     *     const ok = signature.split(' ').some((s) => {
     *       const given = Buffer.from(s.startsWith('v1,') ? s.slice(3) : '');
     *       return given.length === Buffer.byteLength(expected) && crypto.timingSafeEqual(given, Buffer.from(expected));
     *     });
     *     ```
     *
     *     The Standard Webhooks libraries (`standardwebhooks` on npm, PyPI, Go …) verify these headers as they are.
     *     Answer with any 2xx status within 5 seconds; anything else (or no answer) is retried with exponential
     *     backoff (1 s, 2 s, 4 s … up to 8 attempts). Deliveries can arrive more than once and out of order.
     */
    post: operations['createWebhook'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/webhooks/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One webhook endpoint (without its secret) */
    get: operations['getWebhook'];
    put?: never;
    post?: never;
    /** Delete a webhook endpoint and its delivery log */
    delete: operations['deleteWebhook'];
    options?: never;
    head?: never;
    /**
     * Change a webhook endpoint
     * @description Only the fields sent change. Queued deliveries go to the current URL when they are sent.
     */
    patch: operations['updateWebhook'];
    trace?: never;
  };
  '/api/v1/webhooks/{id}/deliveries': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Delivery log of a webhook endpoint, newest first
     * @description One entry per event: `pending` (queued or waiting for a retry at `nextAttemptAt`), `succeeded` or `failed` (gave up after the last attempt, or the endpoint was disabled). `lastStatusCode`, `lastError` and `lastDurationMs` describe the latest attempt.
     */
    get: operations['listWebhookDeliveries'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/webhooks/{id}/test': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Queue a webhook.test event for this endpoint
     * @description Sends `{ id, type: "webhook.test", createdAt, data: { message } }`, signed like every event, to this endpoint only; follow it in the delivery log.
     */
    post: operations['testWebhook'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    ApiTokenDto: {
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      expiresAt: string | null;
      /** Format: uuid */
      id: string;
      /** @example CI publisher automation */
      label: string;
      /** Format: date-time */
      lastUsedAt: string | null;
      /** Format: uuid */
      ownerId: string;
      /**
       * Format: uuid
       * @description The API token that created this one (revoking it revokes this one too); null when a login did
       */
      parentId: string | null;
      /** Format: date-time */
      revokedAt: string | null;
      scopes: (
        | 'streams:read'
        | 'streams:write'
        | 'keys:read'
        | 'keys:write'
        | 'sessions:read'
        | 'recordings:write'
        | 'tokens:write'
        | 'users:admin'
        | 'webhooks:admin'
      )[];
      /** @example rrt_Xy12Ab34 */
      tokenPrefix: string;
    };
    AudioTrackDto: {
      /** @example 2 */
      channels: number;
      /** @example mp4a.40.2 */
      codec: string;
      /** @example 48000 */
      sampleRate: number;
    };
    BanStreamKeyDto: {
      /** @example Repeated terms-of-service violations */
      reason?: string;
      /**
       * @description Ban for this many seconds (or give `until`)
       * @example 3600
       */
      seconds?: number;
      /** @description Ban until this time */
      until?: string;
    };
    ChangePasswordDto: {
      currentPassword: string;
      /** @example a new long passphrase */
      newPassword: string;
    };
    CreateApiTokenDto: {
      /** @description When the token stops working (default: never) */
      expiresAt?: string;
      /** @example CI publisher automation */
      label: string;
      /**
       * @example [
       *       "streams:read",
       *       "keys:write"
       *     ]
       */
      scopes: (
        | 'streams:read'
        | 'streams:write'
        | 'keys:read'
        | 'keys:write'
        | 'sessions:read'
        | 'recordings:write'
        | 'tokens:write'
        | 'users:admin'
        | 'webhooks:admin'
      )[];
      /**
       * Format: uuid
       * @description Admins: issue the token for another user
       */
      userId?: string;
    };
    CreatedApiTokenDto: {
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      expiresAt: string | null;
      /** Format: uuid */
      id: string;
      /** @example CI publisher automation */
      label: string;
      /** Format: date-time */
      lastUsedAt: string | null;
      /** Format: uuid */
      ownerId: string;
      /**
       * Format: uuid
       * @description The API token that created this one (revoking it revokes this one too); null when a login did
       */
      parentId: string | null;
      /** Format: date-time */
      revokedAt: string | null;
      scopes: (
        | 'streams:read'
        | 'streams:write'
        | 'keys:read'
        | 'keys:write'
        | 'sessions:read'
        | 'recordings:write'
        | 'tokens:write'
        | 'users:admin'
        | 'webhooks:admin'
      )[];
      /**
       * @description Send as `Authorization: Bearer <token>`. Shown only in this response.
       * @example rrt_…
       */
      token: string;
      /** @example rrt_Xy12Ab34 */
      tokenPrefix: string;
    };
    CreatedStreamKeyDto: {
      /** Format: date-time */
      bannedUntil: string | null;
      banReason: string | null;
      /** Format: date-time */
      createdAt: string;
      /** @example https://stream.example.com/embed/k7m2q9x4w8r3t6yz */
      embedUrl: string;
      /** @example ffmpeg -re -i input.mp4 -c copy -f flv rtmp://stream.example.com/live/live_… */
      ffmpegCommand: string;
      /** Format: uuid */
      id: string;
      /**
       * @description The secret stream key. Shown only in this response.
       * @example live_…
       */
      key: string;
      /**
       * @description The first characters of the key, to tell keys apart
       * @example live_Ab3dE6g
       */
      keyPrefix: string;
      /** @example studio */
      label: string;
      /** Format: date-time */
      lastUsedAt: string | null;
      /** @description A publisher is live on this key right now */
      live: boolean;
      /** @description Paste into OBS: Settings → Stream → Custom */
      obs: components['schemas']['ObsSettingsDto'];
      /** Format: uuid */
      ownerId: string;
      /**
       * @description The owner’s display name (or e-mail)
       * @example Ada Lovelace
       */
      ownerName: string;
      /**
       * @description Public id used in playback URLs
       * @example k7m2q9x4w8r3t6yz
       */
      playbackId: string;
      /** @example https://stream.example.com/live/k7m2q9x4w8r3t6yz/index.m3u8 */
      playbackUrl: string;
      /** Format: date-time */
      revokedAt: string | null;
      /**
       * @description The same ingest over TLS (OBS Server field), when the server has RTMPS on; null otherwise
       * @example rtmps://stream.example.com:1936/live
       */
      rtmpsUrl: string | null;
      /** @example rtmp://stream.example.com/live */
      rtmpUrl: string;
      signedPlayback: boolean;
    };
    CreatedWebhookDto: {
      /**
       * Format: date-time
       * @example 2026-11-24T10:00:00.000Z
       */
      createdAt: string;
      /**
       * Format: uuid
       * @example 0b6f7d1e-3c9a-4e8f-a2d4-5b7c9e1f3a20
       */
      createdBy: string | null;
      /** @example Chat bot: announce streams */
      description: string | null;
      /** @example true */
      enabled: boolean;
      /**
       * @description Subscribed event types; empty means all
       * @example [
       *       "stream.started",
       *       "stream.ended"
       *     ]
       */
      events: ('stream.started' | 'stream.ended' | 'stream.stopped' | 'restream.failed' | 'restream.recovered')[];
      /**
       * Format: uuid
       * @example 4f1c2a7e-8b1d-4c52-9d55-0f3a6b2e9c11
       */
      id: string;
      /**
       * @description Signing secret (`whsec_` + base64 of 32 bytes). Shown only in this response: store it now.
       * @example whsec_65mz0IRFrW4cvYMLsEJH3z4St76bURHR/qh4gfaI6kc=
       */
      secret: string;
      /**
       * Format: date-time
       * @example 2026-11-24T10:00:00.000Z
       */
      updatedAt: string;
      /** @example https://hooks.example.com/rapidrtmp */
      url: string;
    };
    CreatePushTargetDto: {
      /**
       * @description Pushed while the key is live
       * @default true
       */
      enabled: boolean;
      /**
       * @description What the target is, for people
       * @example YouTube
       */
      label: string;
      /**
       * @description The stream key the target gave you (a query such as `key?token=…` belongs here). Write-only: stored encrypted and never returned; responses show its last characters only
       * @example abcd-efgh-ijkl-mnop-qrst
       */
      streamKey: string;
      /**
       * @description rtmp:// or rtmps:// URL of the target’s ingest, without the stream key: `rtmp[s]://host[:port]/app[/...]` (port 1935 for rtmp and 443 for rtmps unless given; no credentials, query or fragment). A host that is a literal internal address (loopback, private, link-local, …) is refused with 400 unless the server's OUTBOUND_ALLOW_CIDRS lists it; a host name is checked at each connection against the addresses it resolves to
       * @example rtmp://a.rtmp.youtube.com/live2
       */
      url: string;
    };
    CreateStreamKeyDto: {
      /**
       * @description What this key is for, e.g. "studio", "mobile"
       * @example studio
       */
      label: string;
      /**
       * @description Playback URLs need a short-lived signed token
       * @default false
       */
      signedPlayback: boolean;
      /**
       * Format: uuid
       * @description Admins: create the key for another user
       */
      userId?: string;
    };
    CreateUserDto: {
      /** @example Grace Hopper */
      displayName?: string;
      /** @example grace@example.com */
      email: string;
      /** @example a long initial passphrase */
      password: string;
      /**
       * @example publisher
       * @enum {string}
       */
      role: 'admin' | 'moderator' | 'publisher';
    };
    CreateWebhookDto: {
      /**
       * @description What the endpoint is for
       * @example Chat bot: announce streams
       */
      description?: string;
      /**
       * @description Event types to receive; empty or left out means all of them
       * @example [
       *       "stream.started",
       *       "stream.ended"
       *     ]
       */
      events?: ('stream.started' | 'stream.ended' | 'stream.stopped' | 'restream.failed' | 'restream.recovered')[];
      /**
       * @description http(s) URL the events are POSTed to; no credentials (user:password@), no fragment; at most 2048 characters. A host that is a literal internal address (loopback, private, link-local such as 169.254.169.254, …) is refused with 400 unless the server's OUTBOUND_ALLOW_CIDRS lists it; a host name is checked at each delivery against the addresses it resolves to
       * @example https://hooks.example.com/rapidrtmp
       */
      url: string;
    };
    IngestSecondDto: {
      /** @description Unix time, seconds */
      at: number;
      /** @description Bits received in that second */
      bits: number;
      frames: number;
      keyframes: number;
    };
    LiveStreamDetailDto: {
      audio?: components['schemas']['AudioTrackDto'];
      bytesIn: number;
      /**
       * @description Frames dropped before packaging (malformed or before a keyframe)
       * @example 0
       */
      droppedFrames: number;
      /** @example 125.4 */
      durationSeconds: number;
      /**
       * @description Measured video frames per second over the last 5 s
       * @example 29.97
       */
      fps: number;
      /**
       * Format: uuid
       * @description The stream session id
       */
      id: string;
      /**
       * @description Ingest bit rate over the last 5 s (bits/s)
       * @example 2500000
       */
      ingestBitrate: number;
      /**
       * @description Milliseconds between the last two keyframes
       * @example 2000
       */
      keyframeIntervalMs?: number;
      /** @example studio */
      keyLabel: string;
      /**
       * @description The node the publisher is connected to (NODE_ID)
       * @example rapidrtmp-0
       */
      nodeId: string;
      /** Format: uuid */
      ownerId: string;
      /** @example Ada Lovelace */
      ownerName: string;
      /** @example k7m2q9x4w8r3t6yz */
      playbackId: string;
      /** @example https://stream.example.com/live/k7m2q9x4w8r3t6yz/index.m3u8 */
      playbackUrl: string;
      /** @description Restream: where each push target of the key stands */
      pushTargets: components['schemas']['PushTargetStatusDto'][];
      signedPlayback: boolean;
      /** Format: date-time */
      startedAt: string;
      /** Format: uuid */
      streamKeyId: string;
      /** @description Per-second ingest over the last five minutes */
      timeline: components['schemas']['IngestSecondDto'][];
      video?: components['schemas']['VideoTrackDto'];
      /**
       * @description Distinct HLS clients in the last 30 s (estimate)
       * @example 12
       */
      viewers: number;
    };
    LiveStreamDto: {
      audio?: components['schemas']['AudioTrackDto'];
      bytesIn: number;
      /**
       * @description Frames dropped before packaging (malformed or before a keyframe)
       * @example 0
       */
      droppedFrames: number;
      /** @example 125.4 */
      durationSeconds: number;
      /**
       * @description Measured video frames per second over the last 5 s
       * @example 29.97
       */
      fps: number;
      /**
       * Format: uuid
       * @description The stream session id
       */
      id: string;
      /**
       * @description Ingest bit rate over the last 5 s (bits/s)
       * @example 2500000
       */
      ingestBitrate: number;
      /**
       * @description Milliseconds between the last two keyframes
       * @example 2000
       */
      keyframeIntervalMs?: number;
      /** @example studio */
      keyLabel: string;
      /**
       * @description The node the publisher is connected to (NODE_ID)
       * @example rapidrtmp-0
       */
      nodeId: string;
      /** Format: uuid */
      ownerId: string;
      /** @example Ada Lovelace */
      ownerName: string;
      /** @example k7m2q9x4w8r3t6yz */
      playbackId: string;
      /** @example https://stream.example.com/live/k7m2q9x4w8r3t6yz/index.m3u8 */
      playbackUrl: string;
      signedPlayback: boolean;
      /** Format: date-time */
      startedAt: string;
      /** Format: uuid */
      streamKeyId: string;
      video?: components['schemas']['VideoTrackDto'];
      /**
       * @description Distinct HLS clients in the last 30 s (estimate)
       * @example 12
       */
      viewers: number;
    };
    LoginDto: {
      /** @description For clients that do not keep cookies (scripts, CLIs): `true` returns the session token as `accessToken`, to send as `Authorization: Bearer`. Browsers leave it out: their session is the httpOnly cookie, and a token in the JSON would be readable by any script on the page. */
      bearer?: boolean;
      /** @example admin@example.com */
      email: string;
      /** @example correct horse battery staple */
      password: string;
    };
    LoginResponseDto: {
      /**
       * @description Session token, only when the login asked for it (`bearer: true`); usable as a Bearer token. Always set as the httpOnly `rr_session` cookie.
       * @example rrs_…
       */
      accessToken?: string;
      /** @description Send as X-CSRF-Token on cookie-authenticated POST/PATCH/DELETE (also set as the `rr_csrf` cookie). */
      csrfToken: string;
      /** Format: date-time */
      expiresAt: string;
      user: components['schemas']['UserDto'];
    };
    MeDto: {
      /** @enum {string} */
      authenticatedVia: 'session' | 'api-token';
      /**
       * @description Whose resources your role reaches beyond your own (see GET /api/v1/roles)
       * @example [
       *       "others:read"
       *     ]
       */
      capabilities: ('others:read' | 'others:write')[];
      /** Format: date-time */
      createdAt: string;
      /** @example false */
      disabled: boolean;
      /** @example Ada Lovelace */
      displayName: string | null;
      /** @example ada@example.com */
      email: string;
      /** Format: uuid */
      id: string;
      /**
       * @example publisher
       * @enum {string}
       */
      role: 'admin' | 'moderator' | 'publisher';
      /**
       * @example [
       *       "streams:read",
       *       "keys:write"
       *     ]
       */
      scopes: string[];
    };
    ObsSettingsDto: {
      /** @example rtmp://stream.example.com/live */
      server: string;
      /** @example live_… */
      streamKey: string;
    };
    PlaybackTokenDto: {
      /** Format: date-time */
      expiresAt: string;
      /** @example https://stream.example.com/live/k7m2q9x4w8r3t6yz/index.m3u8?token=… */
      playbackUrl: string;
      token: string;
    };
    PlaybackTokenRequestDto: {
      /**
       * @description Lifetime in seconds, at least: the expiry is rounded up to a tenth of it (a minute at most), so that viewers who get a token in the same step share it (and its cached playlists)
       * @default 3600
       */
      ttlSeconds: number;
    };
    PushTargetDto: {
      /** Format: date-time */
      createdAt: string;
      enabled: boolean;
      /** Format: uuid */
      id: string;
      /** @example YouTube */
      label: string;
      /** @description Where the push stands (idle while the key is not live) */
      status: components['schemas']['PushTargetStatusDto'];
      /**
       * @description The stored stream key masked: its last 4 characters when it has 12 or more, else none
       * @example ••••qrst
       */
      streamKeyHint: string;
      /** Format: uuid */
      streamKeyId: string;
      /** Format: date-time */
      updatedAt: string;
      /**
       * @description Normalized; never the stream key
       * @example rtmp://a.rtmp.youtube.com/live2
       */
      url: string;
    };
    PushTargetStatusDto: {
      /**
       * @description Bytes sent to the target during this live stream
       * @example 48213004
       */
      bytesSent: number;
      /**
       * Format: date-time
       * @description When the current push started publishing
       */
      connectedAt: string | null;
      /**
       * @description Media packets skipped because the target read too slowly
       * @example 0
       */
      droppedPackets: number;
      /** @example YouTube */
      label: string;
      /**
       * @description Why the last attempt failed or the push dropped (never the target’s stream key)
       * @example connect ECONNREFUSED 203.0.113.7:1935
       */
      lastError: string | null;
      /**
       * @description Connection attempts after the first during this live stream
       * @example 0
       */
      reconnects: number;
      /**
       * Format: date-time
       * @description When the next attempt starts (state retrying)
       */
      retryAt: string | null;
      /**
       * @example live
       * @enum {string}
       */
      state: 'idle' | 'connecting' | 'live' | 'retrying' | 'disabled';
      /** Format: uuid */
      targetId: string;
    };
    QueuedTestDto: {
      /**
       * Format: uuid
       * @description The queued delivery; watch it in the delivery log
       */
      deliveryId: string;
      /**
       * Format: uuid
       * @description The event id (the `webhook-id` header)
       */
      eventId: string;
    };
    RecordingDto: {
      /** @example 562000000 */
      bytes: number;
      /** @example https://stream.example.com/api/v1/recordings/…/download */
      downloadUrl: string;
      /** @example 1805.3 */
      durationSeconds: number;
      /** Format: date-time */
      endedAt: string | null;
      /** @description Segments that could not be stored */
      gaps: number;
      /**
       * Format: uuid
       * @description Also the id of the stream session it recorded
       */
      id: string;
      /** Format: uuid */
      ownerId: string | null;
      /** @example k7m2q9x4w8r3t6yz */
      playbackId: string;
      /** @example https://stream.example.com/vod/…/index.m3u8 */
      playbackUrl: string;
      /** @example 903 */
      segmentCount: number;
      /** Format: date-time */
      startedAt: string;
      /** @enum {string} */
      status: 'recording' | 'complete' | 'incomplete' | 'deleted';
      /** @enum {string} */
      storageBackend: 'local' | 'gcs';
      /** Format: uuid */
      streamKeyId: string | null;
    };
    RecordingPageDto: {
      items: components['schemas']['RecordingDto'][];
      nextCursor: string | null;
    };
    ResetPasswordDto: {
      password: string;
    };
    RoleDto: {
      /**
       * @description Whose resources it reaches beyond its own: `others:read` sees every user’s keys, streams, history and recordings; `others:write` manages other users’ keys and API tokens (with an API token: only one that also holds `users:admin`)
       * @example [
       *       "others:read"
       *     ]
       */
      capabilities: ('others:read' | 'others:write')[];
      /** @example Sees and stops every live stream, bans keys. */
      description: string;
      /** @example Moderator */
      label: string;
      /**
       * @example moderator
       * @enum {string}
       */
      name: 'admin' | 'moderator' | 'publisher';
      /**
       * @description What a login of this role carries; an API token of its users holds at most these
       * @example [
       *       "streams:read",
       *       "streams:write",
       *       "keys:read",
       *       "sessions:read",
       *       "tokens:write"
       *     ]
       */
      scopes: (
        | 'streams:read'
        | 'streams:write'
        | 'keys:read'
        | 'keys:write'
        | 'sessions:read'
        | 'recordings:write'
        | 'tokens:write'
        | 'users:admin'
        | 'webhooks:admin'
      )[];
    };
    SessionDto: {
      /** @example mp4a.40.2 */
      audioCodec: string | null;
      /**
       * @description bits/s
       * @example 2600000
       */
      avgBitrate: number | null;
      /** @example 31250000 */
      bytesIn: number;
      /** @example 95.2 */
      durationSeconds: number;
      /** Format: date-time */
      endedAt: string | null;
      /**
       * @example stopped_by_moderator
       * @enum {string|null}
       */
      endReason:
        | 'publisher_disconnect'
        | 'timeout'
        | 'server_shutdown'
        | 'stopped_by_moderator'
        | 'key_revoked'
        | 'key_banned'
        | 'user_disabled'
        | 'taken_over'
        | 'protocol_error'
        | 'node_lost'
        | null;
      /** @example 720 */
      height: number | null;
      /** Format: uuid */
      id: string;
      /** @example studio */
      keyLabel: string | null;
      /** @description Still live */
      live: boolean;
      /** @example rapidrtmp-0 */
      nodeId: string;
      owner: components['schemas']['UserRefDto'] | null;
      /** @example k7m2q9x4w8r3t6yz */
      playbackId: string | null;
      /** Format: date-time */
      startedAt: string;
      /** @description The moderator or admin who stopped it */
      stoppedBy: components['schemas']['UserRefDto'] | null;
      /** Format: uuid */
      streamKeyId: string | null;
      /** @example avc1.64001f */
      videoCodec: string | null;
      /** @example 1280 */
      width: number | null;
    };
    SessionPageDto: {
      items: components['schemas']['SessionDto'][];
      /** @description Pass as `cursor` for the next (older) page; null at the end */
      nextCursor: string | null;
    };
    StopStreamDto: {
      /**
       * @description Also ban the stream key for this many seconds
       * @example 3600
       */
      banSeconds?: number;
      /** @example Off-topic content */
      reason?: string;
    };
    StreamKeyDto: {
      /** Format: date-time */
      bannedUntil: string | null;
      banReason: string | null;
      /** Format: date-time */
      createdAt: string;
      /** @example https://stream.example.com/embed/k7m2q9x4w8r3t6yz */
      embedUrl: string;
      /** Format: uuid */
      id: string;
      /**
       * @description The first characters of the key, to tell keys apart
       * @example live_Ab3dE6g
       */
      keyPrefix: string;
      /** @example studio */
      label: string;
      /** Format: date-time */
      lastUsedAt: string | null;
      /** @description A publisher is live on this key right now */
      live: boolean;
      /** Format: uuid */
      ownerId: string;
      /**
       * @description The owner’s display name (or e-mail)
       * @example Ada Lovelace
       */
      ownerName: string;
      /**
       * @description Public id used in playback URLs
       * @example k7m2q9x4w8r3t6yz
       */
      playbackId: string;
      /** @example https://stream.example.com/live/k7m2q9x4w8r3t6yz/index.m3u8 */
      playbackUrl: string;
      /** Format: date-time */
      revokedAt: string | null;
      signedPlayback: boolean;
    };
    UpdatePushTargetDto: {
      /** @description Pushed while the key is live */
      enabled?: boolean;
      /**
       * @description What the target is, for people
       * @example YouTube
       */
      label?: string;
      /**
       * @description The stream key the target gave you (a query such as `key?token=…` belongs here). Write-only: stored encrypted and never returned; responses show its last characters only
       * @example abcd-efgh-ijkl-mnop-qrst
       */
      streamKey?: string;
      /**
       * @description rtmp:// or rtmps:// URL of the target’s ingest, without the stream key: `rtmp[s]://host[:port]/app[/...]` (port 1935 for rtmp and 443 for rtmps unless given; no credentials, query or fragment). A host that is a literal internal address (loopback, private, link-local, …) is refused with 400 unless the server's OUTBOUND_ALLOW_CIDRS lists it; a host name is checked at each connection against the addresses it resolves to
       * @example rtmp://a.rtmp.youtube.com/live2
       */
      url?: string;
    };
    UpdateStreamKeyDto: {
      /** @example mobile */
      label?: string;
      signedPlayback?: boolean;
    };
    UpdateUserDto: {
      /** @description Disabling ends the user’s sessions, stops their live streams and refuses their keys. */
      disabled?: boolean;
      /** @example Grace Hopper */
      displayName?: string;
      /** @enum {string} */
      role?: 'admin' | 'moderator' | 'publisher';
    };
    UpdateWebhookDto: {
      /**
       * @description What the endpoint is for
       * @example Chat bot: announce streams
       */
      description?: string | null;
      /**
       * @description Disabled endpoints receive nothing; queued deliveries to them fail
       * @example false
       */
      enabled?: boolean;
      /**
       * @description Event types to receive; empty or left out means all of them
       * @example [
       *       "stream.started",
       *       "stream.ended"
       *     ]
       */
      events?: ('stream.started' | 'stream.ended' | 'stream.stopped' | 'restream.failed' | 'restream.recovered')[];
      /**
       * @description http(s) URL the events are POSTed to; no credentials (user:password@), no fragment; at most 2048 characters. A host that is a literal internal address (loopback, private, link-local such as 169.254.169.254, …) is refused with 400 unless the server's OUTBOUND_ALLOW_CIDRS lists it; a host name is checked at each delivery against the addresses it resolves to
       * @example https://hooks.example.com/rapidrtmp
       */
      url?: string;
    };
    UserDto: {
      /** Format: date-time */
      createdAt: string;
      /** @example false */
      disabled: boolean;
      /** @example Ada Lovelace */
      displayName: string | null;
      /** @example ada@example.com */
      email: string;
      /** Format: uuid */
      id: string;
      /**
       * @example publisher
       * @enum {string}
       */
      role: 'admin' | 'moderator' | 'publisher';
    };
    UserRefDto: {
      /** Format: uuid */
      id: string;
      /** @example Ada Lovelace */
      name: string;
    };
    VersionDto: {
      /**
       * @example embedded
       * @enum {string}
       */
      database: 'embedded' | 'postgres';
      /** @example rapidrtmp */
      name: string;
      /**
       * @description This node (NODE_ID)
       * @example rapidrtmp-7c9f6d-abcde
       */
      nodeId: string;
      /**
       * @description Node.js runtime version
       * @example v24.11.0
       */
      runtime: string;
      /** @example 0.1.0 */
      version: string;
    };
    VideoTrackDto: {
      /** @example avc1.64001f */
      codec: string;
      /**
       * @description Frame rate signalled by the encoder (SPS timing)
       * @example 30
       */
      frameRate?: number;
      /** @example 720 */
      height: number;
      /** @example 1280 */
      width: number;
    };
    WebhookDeliveryDto: {
      /**
       * @description Attempts made so far
       * @example 3
       */
      attempts: number;
      /**
       * Format: date-time
       * @example 2026-11-24T10:00:00.000Z
       */
      createdAt: string;
      /**
       * Format: date-time
       * @example 2026-11-24T10:00:03.100Z
       */
      deliveredAt: string | null;
      /**
       * Format: uuid
       * @description Event id (the `webhook-id` header)
       * @example 1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6
       */
      eventId: string;
      /** @example stream.ended */
      eventType: string;
      /**
       * Format: uuid
       * @example 9d2b3c4e-5f60-4a71-8b92-a3b4c5d6e7f8
       */
      id: string;
      /** @example 42 */
      lastDurationMs: number | null;
      /**
       * @description Why the last attempt failed
       * @example HTTP 500
       */
      lastError: string | null;
      /**
       * @description HTTP status of the last attempt
       * @example 200
       */
      lastStatusCode: number | null;
      /**
       * Format: date-time
       * @description When the next attempt is due (pending deliveries only)
       * @example null
       */
      nextAttemptAt: string | null;
      /**
       * @example succeeded
       * @enum {string}
       */
      status: 'pending' | 'succeeded' | 'failed';
    };
    WebhookDto: {
      /**
       * Format: date-time
       * @example 2026-11-24T10:00:00.000Z
       */
      createdAt: string;
      /**
       * Format: uuid
       * @example 0b6f7d1e-3c9a-4e8f-a2d4-5b7c9e1f3a20
       */
      createdBy: string | null;
      /** @example Chat bot: announce streams */
      description: string | null;
      /** @example true */
      enabled: boolean;
      /**
       * @description Subscribed event types; empty means all
       * @example [
       *       "stream.started",
       *       "stream.ended"
       *     ]
       */
      events: ('stream.started' | 'stream.ended' | 'stream.stopped' | 'restream.failed' | 'restream.recovered')[];
      /**
       * Format: uuid
       * @example 4f1c2a7e-8b1d-4c52-9d55-0f3a6b2e9c11
       */
      id: string;
      /**
       * Format: date-time
       * @example 2026-11-24T10:00:00.000Z
       */
      updatedAt: string;
      /** @example https://hooks.example.com/rapidrtmp */
      url: string;
    };
    WebhookEventDto: {
      /** @example 2026-11-24T10:00:00.000Z */
      createdAt: string;
      /** @description The stream; restream.failed / restream.recovered add the push target. webhook.test carries `{ message }` instead */
      data: components['schemas']['WebhookStreamDataDto'];
      /**
       * Format: uuid
       * @description Event id, equal to the webhook-id header; the same on every retry
       * @example 1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6
       */
      id: string;
      /**
       * @example stream.started
       * @enum {string}
       */
      type:
        | 'stream.started'
        | 'stream.ended'
        | 'stream.stopped'
        | 'restream.failed'
        | 'restream.recovered'
        | 'webhook.test';
    };
    WebhookStreamDataDto: {
      /**
       * @description restream.*: attempts that failed in this outage
       * @example 3
       */
      attempts?: number;
      /**
       * @description Bytes received from the publisher
       * @example 1843200000
       */
      bytesIn?: number;
      /** @example 3600.25 */
      durationSeconds?: number;
      /**
       * @description stream.ended / stream.stopped
       * @example 2026-11-24T11:00:00.000Z
       */
      endedAt?: string;
      /**
       * @example publisher_disconnect
       * @enum {string}
       */
      endReason?:
        | 'publisher_disconnect'
        | 'timeout'
        | 'server_shutdown'
        | 'stopped_by_moderator'
        | 'key_revoked'
        | 'key_banned'
        | 'user_disabled'
        | 'taken_over'
        | 'protocol_error'
        | 'node_lost';
      /**
       * @description restream.*: why the push failed (for restream.recovered, the last failure)
       * @example connect ECONNREFUSED 203.0.113.7:1935
       */
      error?: string | null;
      /**
       * @description restream.*: when the outage began
       * @example 2026-11-24T10:05:00.000Z
       */
      failedAt?: string;
      /** @example Studio A */
      keyLabel: string;
      /** Format: uuid */
      ownerId: string;
      /** @example Ada Lovelace */
      ownerName: string;
      /** @example pb_x7Yq2mK9 */
      playbackId: string;
      /**
       * @description restream.recovered
       * @example 2026-11-24T10:05:12.000Z
       */
      recoveredAt?: string;
      /** @example 2026-11-24T10:00:00.000Z */
      startedAt: string;
      /**
       * Format: uuid
       * @description The moderator who stopped the stream (stream.stopped)
       */
      stoppedBy?: string | null;
      /**
       * Format: uuid
       * @description Stream session id
       * @example 7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d
       */
      streamId: string;
      /**
       * Format: uuid
       * @description Stream key id (never the key itself)
       */
      streamKeyId: string;
      /**
       * Format: uuid
       * @description restream.*: the push target
       */
      targetId?: string;
      /**
       * @description restream.*
       * @example YouTube
       */
      targetLabel?: string;
      /**
       * @description restream.*: the target URL, never its stream key
       * @example rtmp://a.rtmp.youtube.com/live2
       */
      targetUrl?: string;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  listApiTokens: {
    parameters: {
      query?: {
        userId?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApiTokenDto'][];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or moderator or publisher and scope tokens:write */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  createApiToken: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateApiTokenDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CreatedApiTokenDto'];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or moderator or publisher and scope tokens:write */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  revokeApiToken: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or moderator or publisher and scope tokens:write */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  login: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['LoginDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LoginResponseDto'];
        };
      };
      /** @description Too many attempts from this address or for this account */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  logout: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or moderator or publisher */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  getMe: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MeDto'];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or moderator or publisher */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  changeMyPassword: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ChangePasswordDto'];
      };
    };
    responses: {
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /**
       * @description Called with an API token: changing a password needs a login session
       *
       *     Needs role admin or moderator or publisher
       */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Too many wrong passwords (the login limits apply) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  listRecordings: {
    parameters: {
      query?: {
        cursor?: string;
        from?: string;
        limit?: number;
        streamKeyId?: string;
        to?: string;
        userId?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RecordingPageDto'];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or moderator or publisher and scope sessions:read */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  getRecording: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RecordingDto'];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or moderator or publisher and scope sessions:read */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  deleteRecording: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or moderator or publisher and scope recordings:write */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  downloadRecording: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description An MP4 file */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or moderator or publisher and scope sessions:read */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  listRoles: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RoleDto'][];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or moderator or publisher */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  listSessions: {
    parameters: {
      query?: {
        cursor?: string;
        endReason?:
          | 'publisher_disconnect'
          | 'timeout'
          | 'server_shutdown'
          | 'stopped_by_moderator'
          | 'key_revoked'
          | 'key_banned'
          | 'user_disabled'
          | 'taken_over'
          | 'protocol_error'
          | 'node_lost';
        /** @description Started at or after */
        from?: string;
        limit?: number;
        streamKeyId?: string;
        /** @description Started before */
        to?: string;
        /** @description Owner (moderators, admins) */
        userId?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SessionPageDto'];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or moderator or publisher and scope sessions:read */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  getSession: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SessionDto'];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or moderator or publisher and scope sessions:read */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  listStreamKeys: {
    parameters: {
      query?: {
        /** @description Moderators and admins: only this user’s keys */
        userId?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['StreamKeyDto'][];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or moderator or publisher and scope keys:read */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  createStreamKey: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateStreamKeyDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CreatedStreamKeyDto'];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or publisher and scope keys:write */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  getStreamKey: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['StreamKeyDto'];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or moderator or publisher and scope keys:read */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  updateStreamKey: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateStreamKeyDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['StreamKeyDto'];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or publisher and scope keys:write */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  banStreamKey: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['BanStreamKeyDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['StreamKeyDto'];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or moderator and scope streams:write */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  unbanStreamKey: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or moderator and scope streams:write */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  createPlaybackToken: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PlaybackTokenRequestDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PlaybackTokenDto'];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or moderator or publisher and scope keys:read */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  listPushTargets: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PushTargetDto'][];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or moderator or publisher and scope keys:read */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  createPushTarget: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreatePushTargetDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PushTargetDto'];
        };
      };
      /** @description Invalid body, or the URL’s host is a literal internal address the outbound policy refuses (the body names the rule and the address; OUTBOUND_ALLOW_CIDRS can allow internal ranges) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or publisher and scope keys:write */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description The key already has 10 targets */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  deletePushTarget: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
        targetId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or publisher and scope keys:write */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  updatePushTarget: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
        targetId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdatePushTargetDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PushTargetDto'];
        };
      };
      /** @description Invalid body, or the URL’s host is a literal internal address the outbound policy refuses (the body names the rule and the address; OUTBOUND_ALLOW_CIDRS can allow internal ranges) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or publisher and scope keys:write */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  regenerateStreamKey: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CreatedStreamKeyDto'];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or publisher and scope keys:write */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description The key is revoked: a revocation is for good */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  revokeStreamKey: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['StreamKeyDto'];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or publisher and scope keys:write */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  getLiveStream: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LiveStreamDetailDto'];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or moderator or publisher and scope streams:read */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  stopStream: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['StopStreamDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SessionDto'];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or moderator and scope streams:write */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  listLiveStreams: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LiveStreamDto'][];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin or moderator or publisher and scope streams:read */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  listUsers: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserDto'][];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin and scope users:admin */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  createUser: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateUserDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserDto'];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin and scope users:admin */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  getUser: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserDto'];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin and scope users:admin */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  updateUser: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateUserDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserDto'];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin and scope users:admin */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  resetUserPassword: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ResetPasswordDto'];
      };
    };
    responses: {
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin and scope users:admin */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  getVersion: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['VersionDto'];
        };
      };
    };
  };
  listWebhooks: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookDto'][];
        };
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin and scope webhooks:admin */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  createWebhook: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateWebhookDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CreatedWebhookDto'];
        };
      };
      /** @description Invalid id, query or body (unknown fields are rejected) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin and scope webhooks:admin */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  getWebhook: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookDto'];
        };
      };
      /** @description Invalid id, query or body (unknown fields are rejected) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin and scope webhooks:admin */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No webhook with this id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  deleteWebhook: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Deleted */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Invalid id, query or body (unknown fields are rejected) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin and scope webhooks:admin */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No webhook with this id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  updateWebhook: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateWebhookDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookDto'];
        };
      };
      /** @description Invalid id, query or body (unknown fields are rejected) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin and scope webhooks:admin */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No webhook with this id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  listWebhookDeliveries: {
    parameters: {
      query?: {
        /** @description How many deliveries to return, newest first */
        limit?: number;
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookDeliveryDto'][];
        };
      };
      /** @description Invalid id, query or body (unknown fields are rejected) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin and scope webhooks:admin */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No webhook with this id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  testWebhook: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['QueuedTestDto'];
        };
      };
      /** @description Invalid id, query or body (unknown fields are rejected) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Not authenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs role admin and scope webhooks:admin */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No webhook with this id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description The endpoint is disabled */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
}
