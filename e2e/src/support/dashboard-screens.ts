import type { Page } from 'playwright-core';
import { artifactPath } from './browser.js';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/**
 * Screenshots the page at desktop and phone width (`dashboard-<name>-1280.png`, `-390.png`), then puts
 * the viewport back. Full-page by default, so long tables are seen whole; dialogs are shot as the
 * viewport shows them (`fullPage: false`), since their overlay covers only the viewport.
 */
export async function screenshotBoth(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const before = page.viewportSize() ?? DESKTOP;
  // The pointer rests where the last click was; keep hover effects (chart tooltips) out of the picture.
  await page.mouse.move(0, 0);
  for (const size of [DESKTOP, PHONE]) {
    await page.setViewportSize(size);
    // Layout settling after a resize (AppShell breakpoint, chart containers): a short pause, not a wait for data.
    await page.waitForTimeout(500);
    await page.screenshot({
      path: artifactPath(`dashboard-${name}-${size.width}.png`),
      fullPage: options.fullPage ?? true,
    });
  }
  await page.setViewportSize(before);
  await page.waitForTimeout(200);
}
