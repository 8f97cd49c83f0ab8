import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '@rapidrtmp/server-persistence/testing';
import { artifactPath, launchChromium } from './support/browser.js';
import { startEmbedHost, type EmbedHost } from './support/dashboard-embed-host.js';
import { DashboardGuard } from './support/dashboard-guard.js';
import { DESKTOP, PHONE, screenshotBoth } from './support/dashboard-screens.js';
import {
  FfmpegPublisher,
  freePort,
  type NginxRtmp,
  seedPublisher,
  ServerProcess,
  startNginxRtmp,
  testClip,
  waitFor,
} from '@rapidrtmp/test-support';

const ADMIN = { email: 'admin@example.com', password: 'admin password 123' };
const MODERATOR = {
  name: 'Maud Moderator',
  email: 'mod@example.com',
  password: 'moderator password',
  role: 'Moderator',
};
const PUBLISHER = {
  name: 'Pat Publisher',
  email: 'pub@example.com',
  password: 'publisher password',
  role: 'Publisher',
};
const KEY_LABEL = 'studio';

/** The video element's playback position. */
const currentTime = (video: Locator) => video.evaluate((v: HTMLVideoElement) => v.currentTime);

/** Resolves once `video` has played `seconds` more than when it was first seen playing. */
async function assertPlays(video: Locator, what: string, seconds = 2): Promise<void> {
  const start = await waitFor(
    `${what} to start`,
    async () => {
      const t = await currentTime(video);
      return t > 0 ? t : undefined;
    },
    20_000,
    200,
  );
  await waitFor(
    `${what} to advance ${seconds} s past ${start.toFixed(2)}`,
    async () => ((await currentTime(video)) >= start + seconds ? true : undefined),
    15_000,
    200,
  );
}

/**
 * The form control labelled `name`. Required fields carry an `*` in their label (hidden from assistive
 * technology, but part of the label's text), so match the label with or without it.
 */
function field(scope: Page | Locator, name: string): Locator {
  return scope.getByLabel(new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\*)?$`));
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await field(page, 'E-mail').fill(email);
  await field(page, 'Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function openNav(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

describe(
  'dashboard: admin, moderator and embed, against the real server, ffmpeg and Chromium',
  { timeout: 240_000 },
  () => {
    let db: TestDatabase;
    let server: ServerProcess;
    let browser: Browser;
    let host: EmbedHost;
    let clip: string;
    let admin: Page;
    let moderatorContext: BrowserContext;
    let moderator: Page;
    let streamKey: string;
    let playbackId: string;
    /** The `studio` key's live session, once it is live. */
    let liveSessionId: string;
    let webhooksAvailable: boolean;
    /** The restream target that takes the push (a reference RTMP server beside ours). */
    let nginx: NginxRtmp | undefined;
    const publishers: FfmpegPublisher[] = [];
    /** Publishers of other keys (the tests index `publishers` by the order `studio` went live). */
    const otherPublishers: FfmpegPublisher[] = [];
    const guard = new DashboardGuard();
    // Thumbnail decodes are shed under load (503 + Retry-After, THUMBNAIL_DECODE_TIMEOUT_MS): the card keeps
    // its picture and asks again on its next round, but Chromium logs the 503. A loaded CI machine sees it.
    guard.expect({
      why: 'a thumbnail decode shed under load',
      url: /\/live\/[a-z0-9]+\/thumbnail\.(jpg|webp)/,
      status: 503,
    });

    const publish = () => {
      const ffmpeg = FfmpegPublisher.start(`rtmp://127.0.0.1:${server.rtmpPort}/live/${streamKey}`, [
        '-re',
        '-stream_loop',
        '-1',
        '-i',
        clip,
      ]);
      publishers.push(ffmpeg);
      return ffmpeg;
    };

    before(async () => {
      [db, clip] = await Promise.all([createTestDatabase('rr_dashboard'), testClip({ seconds: 10 })]);
      server = await ServerProcess.start({
        // The webhook receiver (the embed host) is on 127.0.0.1, which the default outbound policy refuses.
        env: {
          DATABASE_URL: db.url,
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
          OUTBOUND_ALLOW_CIDRS: '127.0.0.0/8',
        },
      });
      const home = await fetch(`${server.baseUrl}/`);
      assert.equal(
        home.status,
        200,
        'the server does not serve the dashboard: build it (npm run build) and wire WebModule into apps/server',
      );
      // 401 without a session when the webhook API exists, 404 on a server without it.
      webhooksAvailable = (await fetch(`${server.baseUrl}/api/v1/webhooks`)).status !== 404;
      browser = await launchChromium();
      admin = guard.watch(await (await browser.newContext({ viewport: DESKTOP })).newPage(), 'admin');
    });

    after(async () => {
      await Promise.all([...publishers, ...otherPublishers].map((p) => p.stop()));
      await browser?.close();
      await host?.close();
      await nginx?.stop();
      await server?.stop();
      await db?.drop();
    });

    it('the admin signs in through the form (a wrong password first), creates a moderator and a publisher', async () => {
      await admin.goto(`${server.baseUrl}/`);
      await admin.waitForURL(/\/login\/$/);
      await admin.getByRole('heading', { name: 'Sign in' }).waitFor();
      const wrong = guard.expect({ why: 'wrong password on purpose', url: /\/api\/v1\/auth\/login$/, status: 401 });
      await signIn(admin, ADMIN.email, 'not the password');
      await admin.getByRole('alert').filter({ hasText: 'Wrong e-mail or password' }).waitFor();
      assert.ok(wrong() >= 1, 'the wrong password was answered with 401');
      await screenshotBoth(admin, 'login');

      await signIn(admin, ADMIN.email, ADMIN.password);
      await admin.waitForURL(`${server.baseUrl}/`);
      await admin.getByRole('heading', { level: 1, name: 'Live streams' }).waitFor();
      await admin.getByText('Nobody is live right now').waitFor();
      await screenshotBoth(admin, 'live-empty');

      // On a phone the navigation hides behind the burger.
      await admin.setViewportSize(PHONE);
      const nav = admin.getByRole('navigation', { name: 'Main navigation' });
      await admin.getByRole('button', { name: 'Open navigation' }).click();
      await nav.getByRole('link', { name: 'Webhooks' }).waitFor();
      await admin.waitForTimeout(400); // the drawer slides in
      await admin.screenshot({ path: artifactPath('dashboard-navigation-390.png') });
      await admin.getByRole('button', { name: 'Close navigation' }).click();
      await admin.setViewportSize(DESKTOP);

      await openNav(admin, 'Users');
      for (const user of [MODERATOR, PUBLISHER]) {
        await admin.getByRole('button', { name: 'New user' }).click();
        const dialog = admin.getByRole('dialog', { name: 'New user' });
        await field(dialog, 'Name').fill(user.name);
        await field(dialog, 'E-mail').fill(user.email);
        await field(dialog, user.role).check();
        await field(dialog, 'Initial password').fill(user.password);
        if (user === PUBLISHER) await screenshotBoth(admin, 'user-create', { fullPage: false });
        await dialog.getByRole('button', { name: 'Create user' }).click();
        await dialog.waitFor({ state: 'hidden' });
        await admin.locator(`tr[data-user-email="${user.email}"]`).waitFor();
      }
      assert.equal(
        await field(admin, `Role of ${MODERATOR.name}`).inputValue(),
        'moderator',
        'the moderator has the moderator role',
      );
      await screenshotBoth(admin, 'users');
    });

    it('the admin adds a webhook endpoint (signing secret shown once)', async () => {
      host = await startEmbedHost();
      await openNav(admin, 'Webhooks');
      if (!webhooksAvailable) {
        await admin.getByText('Webhooks are not available on this server').waitFor();
        await screenshotBoth(admin, 'webhooks');
        return;
      }
      await admin.getByRole('button', { name: 'New endpoint' }).click();
      const dialog = admin.getByRole('dialog', { name: 'New webhook endpoint' });
      await field(dialog, 'URL').fill(host.hookUrl);
      await field(dialog, 'Description').fill('Announce streams in chat');
      await dialog.getByRole('button', { name: 'Add endpoint' }).click();
      const created = admin.getByRole('dialog', { name: 'Webhook endpoint added' });
      assert.match(await field(created, 'Signing secret').inputValue(), /^whsec_/);
      await screenshotBoth(admin, 'webhook-created', { fullPage: false });
      await created.getByRole('button', { name: 'I have copied the secret' }).click();
      await admin.getByText(host.hookUrl, { exact: true }).waitFor();
    });

    it('the admin creates a stream key for the publisher and reads the secret, OBS settings and ffmpeg command', async () => {
      await openNav(admin, 'Stream keys');
      await admin.getByRole('button', { name: 'New stream key' }).first().click();
      const dialog = admin.getByRole('dialog', { name: 'New stream key' });
      await field(dialog, 'Owner').click();
      await admin.getByRole('option', { name: new RegExp(PUBLISHER.name) }).click();
      await field(dialog, 'Label').fill(KEY_LABEL);
      await dialog.getByRole('button', { name: 'Create key' }).click();

      const secret = admin.getByRole('dialog', { name: `Stream key “${KEY_LABEL}”` });
      streamKey = await field(secret, 'Stream Key').inputValue();
      assert.match(streamKey, /^live_/);
      assert.match(await field(secret, 'Server').inputValue(), /^rtmp:\/\/.+\/live$/);
      assert.ok((await field(secret, 'Command line').inputValue()).includes(streamKey));
      const embed = await field(secret, 'Embed code').inputValue();
      playbackId = /\/embed\/([a-z0-9]+)"/.exec(embed)?.[1] ?? '';
      assert.ok(playbackId, embed);
      await screenshotBoth(admin, 'key-created', { fullPage: false });
      await secret.getByRole('button', { name: 'I have copied the key' }).click();
      await secret.waitFor({ state: 'hidden' });
      const row = admin.getByRole('row').filter({ hasText: KEY_LABEL });
      await row.getByRole('cell', { name: PUBLISHER.name, exact: true }).waitFor();
      await screenshotBoth(admin, 'keys');
    });

    it('ffmpeg goes live: the stream is in the live list within 5 s with a refreshing thumbnail, and plays on hover', async () => {
      await openNav(admin, 'Live streams');
      const spawned = Date.now();
      publish();
      const card = admin.getByRole('article', { name: KEY_LABEL });
      await card.waitFor({ timeout: 20_000 });
      const shownAt = Date.now();
      // Within 5 s of going live: counted from the session's start on the server (same clock), not from
      // spawning ffmpeg, whose own start-up a loaded machine can stretch by seconds.
      const live = await admin.request.get(`${server.baseUrl}/api/v1/streams/live`);
      const session = ((await live.json()) as { id: string; playbackId: string; startedAt: string }[]).find(
        (s) => s.playbackId === playbackId,
      );
      assert.ok(session, 'the card’s stream is in the live list');
      liveSessionId = session.id;
      const shownAfter = shownAt - Date.parse(session.startedAt);
      assert.ok(
        shownAfter <= 5000,
        `the card showed ${shownAfter} ms after the stream went live (${shownAt - spawned} ms after ffmpeg started)`,
      );
      await card.getByText(PUBLISHER.name).waitFor();
      // A second stream, so the grid shows pictures side by side (colour bars encoded live, no audio).
      const lobby = await seedPublisher(db.url, { displayName: 'Lena Lobby', label: 'Lobby camera' });
      const lobbyPublisher = FfmpegPublisher.start(
        `rtmp://127.0.0.1:${server.rtmpPort}/live/${lobby.key}`,
        ['-re', '-f', 'lavfi', '-i', 'smptehdbars=size=640x360:rate=30'],
        ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '60', '-pix_fmt', 'yuv420p', '-b:v', '300k'],
      );
      otherPublishers.push(lobbyPublisher);
      // A picture of the latest keyframe, not a player per card.
      const picture = card.getByRole('img', { name: `Latest picture of ${KEY_LABEL}` });
      const loaded = () =>
        picture.evaluate((img: HTMLImageElement) =>
          img.complete && img.naturalWidth > 0 ? { src: img.src, width: img.naturalWidth } : undefined,
        );
      const first = await waitFor('the card thumbnail', loaded, 20_000, 200);
      assert.match(first.src, /^blob:/);
      assert.equal(await card.locator('video').count(), 0, 'no player until asked for');
      // Refreshed every 5 s: a newer keyframe (2 s GOP) replaces it.
      const newer = await waitFor(
        'a newer thumbnail',
        async () => {
          const now = await loaded();
          return now && now.src !== first.src ? now : undefined;
        },
        20_000,
        250,
      );
      assert.ok(newer.width >= 320, `the thumbnail is ${newer.width} px wide`);
      // Stats settle over the 5 s measuring window; health needs a few polls.
      await card.locator('[data-health="bitrate"]:not([data-level="unknown"])').waitFor({ timeout: 20_000 });
      await card.getByText('640×360').waitFor();
      const lobbyPicture = admin
        .getByRole('article', { name: 'Lobby camera' })
        .getByRole('img', { name: 'Latest picture of Lobby camera' });
      await waitFor(
        'the second card’s thumbnail',
        () => lobbyPicture.evaluate((img: HTMLImageElement) => (img.complete && img.naturalWidth > 0) || undefined),
        20_000,
        200,
      );
      await screenshotBoth(admin, 'live');
      assert.ok((await loaded())?.width, 'the thumbnail shows at both widths');

      // Resting the pointer on the picture plays the stream there; leaving stops it.
      // The frame, not the img: a newer picture fading in sits on top of it (and takes the pointer) meanwhile.
      await card.locator('[data-thumbnail-state="ready"]').hover();
      await assertPlays(card.locator('video'), 'the card preview on hover', 1);
      await admin.screenshot({ path: artifactPath('dashboard-live-hover-1280.png') });
      await admin.mouse.move(0, 0);
      await card.locator('video').waitFor({ state: 'detached' });

      await card.getByRole('link', { name: 'Watch and details' }).click();
      await admin.waitForURL(/\/stream\/\?id=[0-9a-f-]{36}$/);
      assert.equal(new URL(admin.url()).searchParams.get('id'), liveSessionId, 'the card links to its live session');
      // Off the live grid, so no card asks for the picture of a stream that just ended.
      await lobbyPublisher.stop();
      await assertPlays(admin.getByLabel(`Live video of ${KEY_LABEL}`), 'the detail player');
      await admin.getByText('Bitrate (kbit/s, 5 s average)').waitFor({ timeout: 20_000 });
      await screenshotBoth(admin, 'stream');
    });

    it('the admin restreams the live key: one target takes the push, a closed port retries, no key is shown', async () => {
      // The live session's page (where the previous test left off), not wherever a failure there left us.
      const streamPage = `${server.baseUrl}/stream/?id=${liveSessionId}`;
      nginx = await startNginxRtmp();
      const closedPort = await freePort();
      const pushKey = 'nginx-push-key-4f2a';
      await openNav(admin, 'Stream keys');
      await admin
        .getByRole('row')
        .filter({ hasText: KEY_LABEL })
        .getByRole('button', { name: `More actions for ${KEY_LABEL}` })
        .click();
      await admin.getByRole('menuitem', { name: 'Restream…' }).click();
      const dialog = admin.getByRole('dialog', { name: `Restream “${KEY_LABEL}”` });
      await dialog.getByText(/^No targets yet/).waitFor();
      for (const [label, url, key] of [
        ['Reference server', `rtmp://127.0.0.1:${nginx.rtmpPort}/live`, pushKey],
        ['Backup ingest', `rtmp://127.0.0.1:${closedPort}/live`, 'backup-key-0123456789'],
      ] as const) {
        await dialog.getByRole('button', { name: 'Add target' }).click();
        await field(dialog, 'Label').fill(label);
        await field(dialog, 'Server URL').fill(url);
        await field(dialog, 'Stream key').fill(key);
        await dialog.getByRole('button', { name: 'Add target' }).click();
        await dialog.locator(`[data-push-target="${label}"]`).waitFor();
      }
      await dialog
        .locator('[data-push-target="Reference server"] [data-push-state="live"]')
        .waitFor({ timeout: 20_000 });
      await dialog
        .locator('[data-push-target="Backup ingest"] [data-push-state="retrying"]')
        .waitFor({ timeout: 20_000 });
      await dialog.getByText(/ECONNREFUSED 127\.0\.0\.1/).waitFor();
      await dialog.getByText('••••').first().waitFor();
      for (const secret of [pushKey, 'backup-key-0123456789'])
        assert.ok(!(await admin.content()).includes(secret), 'no target key on the page');
      await screenshotBoth(admin, 'restream', { fullPage: false });

      // The edit form keeps the stored key unless a new one is typed.
      await dialog.getByRole('button', { name: 'Edit Backup ingest' }).click();
      await dialog.getByText(/Leave empty to keep it/).waitFor();
      assert.equal(await field(dialog, 'Stream key').inputValue(), '');
      await screenshotBoth(admin, 'restream-edit', { fullPage: false });
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.getByRole('button', { name: 'Close' }).click();
      await dialog.waitFor({ state: 'hidden' });

      await admin.goto(streamPage);
      const panel = admin.getByRole('region', { name: 'Restream' });
      await panel
        .locator('[data-push-target="Reference server"] [data-push-state="live"]')
        .waitFor({ timeout: 20_000 });
      await panel.getByText(/ECONNREFUSED/).waitFor();
      await panel.getByText(/MB sent/).waitFor();
      await admin.getByText('Bitrate (kbit/s, 5 s average)').waitFor({ timeout: 20_000 });
      await screenshotBoth(admin, 'stream-restream');
    });

    it('the admin creates an API token (shown once) while the stream runs', async () => {
      await openNav(admin, 'API tokens');
      await admin.getByRole('button', { name: 'New API token' }).click();
      const dialog = admin.getByRole('dialog', { name: 'New API token' });
      await field(dialog, 'Label').fill('Grafana exporter');
      await field(dialog, 'sessions:read').check();
      await dialog.getByRole('button', { name: 'Create token' }).click();
      const created = admin.getByRole('dialog', { name: 'API token “Grafana exporter”' });
      const token = await field(created, 'Token').inputValue();
      assert.match(token, /^rrt_/);
      const me = await fetch(`${server.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(me.status, 200, 'the token works');
      await screenshotBoth(admin, 'token-created', { fullPage: false });
      await created.getByRole('button', { name: 'I have copied the token' }).click();
      await admin.getByRole('row').filter({ hasText: 'Grafana exporter' }).waitFor();
      await screenshotBoth(admin, 'tokens');

      if (webhooksAvailable) {
        await openNav(admin, 'Webhooks');
        await admin.getByRole('button', { name: 'Deliveries' }).click();
        await admin.getByRole('cell', { name: 'stream.started' }).first().waitFor({ timeout: 20_000 });
        assert.ok(host.hooks.some((h) => h.type === 'stream.started'));
        await screenshotBoth(admin, 'webhooks');
      }
      // Park the admin on a page that polls no stream before the moderator ends it.
      await openNav(admin, 'History');
    });

    it('a moderator (fresh browser context) stops the stream from the UI: ffmpeg exits, the page shows who ended it', async () => {
      moderatorContext = await browser.newContext({ viewport: DESKTOP });
      moderator = guard.watch(await moderatorContext.newPage(), 'moderator');
      await moderator.goto(`${server.baseUrl}/keys/`);
      await moderator.waitForURL(/\/login\/\?next=%2Fkeys%2F$/);

      // Five wrong passwords for an account lock it for a while: the form says when to retry.
      const limited = guard.expect({ why: 'rate limit on purpose', url: /\/api\/v1\/auth\/login$/, status: 429 });
      const refused = guard.expect({ why: 'wrong passwords on purpose', url: /\/api\/v1\/auth\/login$/, status: 401 });
      // Each attempt waits for its own answer: the previous attempt's alert is still on screen when the next
      // one is typed, and a form filled while an answer is pending loses its password to that answer's reset.
      const loginAnswer = (page: Page) =>
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/auth/login'));
      for (let attempt = 0; attempt < 5; attempt++) {
        const answered = loginAnswer(moderator);
        await signIn(moderator, 'nobody@example.com', `guess ${attempt}`);
        assert.equal((await answered).status(), 401, `attempt ${attempt + 1}`);
        await moderator.getByRole('alert').filter({ hasText: 'Wrong e-mail or password' }).waitFor();
      }
      const answered = loginAnswer(moderator);
      await signIn(moderator, 'nobody@example.com', 'one more guess');
      assert.equal((await answered).status(), 429, 'the sixth attempt is refused');
      await moderator.getByRole('alert').filter({ hasText: 'Too many sign-in attempts' }).waitFor();
      await moderator.getByText(/Try again in \d+ minutes/).waitFor();
      assert.equal(limited(), 1);
      assert.equal(refused(), 5);
      await screenshotBoth(moderator, 'login-rate-limited');

      await signIn(moderator, MODERATOR.email, MODERATOR.password);
      await moderator.getByRole('heading', { level: 1, name: 'Stream keys' }).waitFor();
      assert.deepEqual(
        await moderator.getByRole('navigation', { name: 'Main navigation' }).getByRole('link').allInnerTexts(),
        ['Live streams', 'Stream keys', 'History', 'API tokens'],
      );
      await openNav(moderator, 'Live streams');
      const card = moderator.getByRole('article', { name: KEY_LABEL });
      await card.getByRole('link', { name: 'Watch and details' }).click();
      await assertPlays(moderator.getByLabel(`Live video of ${KEY_LABEL}`), 'the moderator player', 1);

      await moderator.getByRole('button', { name: 'Stop stream' }).click();
      const dialog = moderator.getByRole('dialog', { name: `Stop “${KEY_LABEL}”?` });
      await field(dialog, 'Reason').fill('Off-topic content');
      await screenshotBoth(moderator, 'stop-confirm', { fullPage: false });
      const ffmpeg = publishers[0];
      const stoppedAt = Date.now();
      await dialog.getByRole('button', { name: 'Stop stream' }).click();
      const exit = await ffmpeg!.waitForExit(10_000);
      assert.equal(exit.timedOut, false, 'ffmpeg was disconnected');
      assert.ok(Date.now() - stoppedAt < 5000, `ffmpeg gone after ${Date.now() - stoppedAt} ms`);

      const ended = moderator.locator('[data-end-reason="stopped_by_moderator"]');
      await ended.waitFor();
      assert.match(await ended.innerText(), /Stream ended[\s\S]*Stopped by a moderator \(Maud Moderator\)/);
      await moderator.getByRole('heading', { level: 1 }).getByText('Ended', { exact: true }).waitFor();
      await screenshotBoth(moderator, 'stream-ended');
    });

    it('History shows the session as stopped_by_moderator, with the moderator’s name', async () => {
      await openNav(moderator, 'History');
      const row = moderator
        .getByRole('row')
        .filter({ has: moderator.locator('[data-end-reason="stopped_by_moderator"]') });
      await row.waitFor();
      assert.equal(await row.locator('[data-stopped-by]').innerText(), MODERATOR.name);
      await row.getByText(PUBLISHER.name).waitFor();
      await screenshotBoth(moderator, 'history');

      // The stopped session was recorded: History links to the recording, which plays seekable VOD.
      await row.getByRole('link', { name: /^Recording of the session/ }).click();
      await moderator.waitForURL(/\/recording\/\?id=[0-9a-f-]{36}$/);
      const recordingId = new URL(moderator.url()).searchParams.get('id') ?? '';
      await moderator.getByRole('heading', { level: 1, name: `Recording of ${KEY_LABEL}` }).waitFor();
      await moderator
        .locator('[data-recording-status="complete"], [data-recording-status="incomplete"]')
        .waitFor({ timeout: 20_000 });
      const recording = await moderator.evaluate(
        async (id) => (await fetch(`/api/v1/recordings/${id}`)).json() as Promise<{ downloadUrl: string }>,
        recordingId,
      );
      const download = moderator.getByRole('link', { name: `Download the recording of ${KEY_LABEL} as MP4` });
      const href = await download.getAttribute('href');
      assert.equal(
        href,
        new URL(recording.downloadUrl).pathname,
        'a same-origin link, so the session cookie goes along',
      );
      const downloaded = await moderator.evaluate(async (url) => {
        const response = await fetch(url);
        const size = (await response.arrayBuffer()).byteLength;
        return { status: response.status, type: response.headers.get('content-type'), size };
      }, href);
      assert.equal(downloaded.status, 200);
      assert.equal(downloaded.type, 'video/mp4');
      assert.ok(downloaded.size > 100_000, `downloaded ${downloaded.size} bytes`);
      const video = moderator.getByLabel(`Recording of ${KEY_LABEL}`, { exact: true });
      const duration = await waitFor(
        'the recording’s duration',
        async () => {
          const d = await video.evaluate((v: HTMLVideoElement) => v.duration);
          return Number.isFinite(d) && d > 0 ? d : undefined;
        },
        20_000,
        200,
      );
      await video.evaluate(async (v: HTMLVideoElement) => {
        v.muted = true;
        v.currentTime = v.duration / 2;
        await v.play();
      });
      await waitFor(
        'the recording to play from its middle',
        async () => ((await currentTime(video)) >= duration / 2 + 0.5 ? true : undefined),
        15_000,
        200,
      );
      await assertPlays(video, 'the recording after the seek', 2);
      await video.evaluate((v: HTMLVideoElement) => v.pause());
      await screenshotBoth(moderator, 'recording');
      await moderatorContext.close();

      // The admin's history (open since before the stop) catches up on a reload, with the filters.
      await admin.reload();
      await field(admin, 'End reason').selectOption('stopped_by_moderator');
      await admin.locator('[data-end-reason="stopped_by_moderator"]').first().waitFor();
    });

    it('navigation follows the role: a publisher sees their own pages only, and is told why when they try others', async () => {
      const context = await browser.newContext({ viewport: DESKTOP });
      const page = guard.watch(await context.newPage(), 'publisher');
      await page.goto(`${server.baseUrl}/`);
      await signIn(page, PUBLISHER.email, PUBLISHER.password);
      await page.getByRole('heading', { level: 1, name: 'My live streams' }).waitFor();
      const links = await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link').allInnerTexts();
      assert.deepEqual(links, ['My live streams', 'Stream keys', 'History', 'API tokens']);
      await openNav(page, 'Stream keys');
      const row = page.getByRole('row').filter({ hasText: KEY_LABEL });
      await row.getByText('Ready').waitFor();
      await row.getByRole('button', { name: `More actions for ${KEY_LABEL}` }).click();
      await page.getByRole('menuitem', { name: 'Regenerate secret…' }).waitFor();
      await page.keyboard.press('Escape');
      await screenshotBoth(page, 'keys-publisher');
      await page.goto(`${server.baseUrl}/users/`);
      await page.getByText('You do not have access to this page').waitFor();
      await context.close();
    });

    it('the embed page plays the republished stream in an iframe on another origin, shows the end, and reconnects', async () => {
      host.setEmbedUrl(`${server.baseUrl}/embed/${playbackId}`);
      publish();
      await waitFor(
        'the republished playlist',
        async () =>
          (await fetch(`${server.baseUrl}/live/${playbackId}/index.m3u8`)).status === 200 ? true : undefined,
        20_000,
        250,
      );
      const page = guard.watch(await (await browser.newContext({ viewport: DESKTOP })).newPage(), 'embed host');
      await page.goto(host.url);
      assert.notEqual(new URL(host.url).origin, server.baseUrl, 'the host page is on another origin');
      const frame = page.frameLocator('iframe');
      await assertPlays(frame.locator('video'), 'the embedded player', 3);
      await frame.getByText('LIVE', { exact: true }).waitFor();
      await screenshotBoth(page, 'embed');

      // The publisher stops: the playlist ends (ENDLIST), the player says so. hls.js's preload-hint request
      // for a part that will never exist is answered 404; that one is expected.
      const endNoise = guard.expect({ why: 'stream ended on purpose', url: /\/live\//, status: 404 });
      await publishers[1]!.stop();
      await frame.getByText('Stream ended').waitFor({ timeout: 20_000 });
      await screenshotBoth(page, 'embed-ended');

      // It comes back: the player finds the new playlist by itself.
      publish();
      await frame.getByText('LIVE', { exact: true }).waitFor({ timeout: 30_000 });
      await assertPlays(frame.locator('video'), 'the embedded player after the restart', 2);
      await page.close();
      endNoise();
    });

    it('no console error and no failed API call on any page', () => {
      assert.deepEqual(guard.problems, []);
    });
  },
);
