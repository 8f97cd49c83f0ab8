// Browser playback helpers (`@rapidrtmp/test-support/browser`), apart from the main entry so that code
// which never opens a browser does not load playwright-core: Debian's Chromium and the hls.js test player.
import { chromium, type Browser } from 'playwright-core';

export * from './player-page.js';

/** Flags that work for headless Debian Chromium on a closed network (see DESIGN.md, environment facts). */
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

/** Debian's Chromium driven by playwright-core (no browser download). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
  });
}
