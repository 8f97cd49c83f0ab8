import type { Page } from 'playwright-core';

/** A failure the test provokes on purpose (a wrong password, a stream it ends itself). */
export interface ExpectedFailure {
  /** What the test is doing, for the report. */
  why: string;
  /** Matches the response URL (and the console message's resource URL). */
  url: RegExp;
  status: number;
}

/**
 * Watches every page of a dashboard run and collects what must not happen: console errors, uncaught
 * page errors, and API responses >= 400. Failures the test provokes deliberately are declared with
 * `expect()` for the stretch of the test that provokes them.
 */
export class DashboardGuard {
  readonly problems: string[] = [];
  private readonly expected = new Map<ExpectedFailure, number>();

  watch(page: Page, label: string): Page {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const url = message.location().url ?? '';
      const status = Number(/status of (\d{3})/.exec(message.text())?.[1] ?? NaN);
      if (this.match(url, status, false)) return;
      this.problems.push(`${label}: console error: ${message.text()} (${url})`);
    });
    page.on('pageerror', (error) => this.problems.push(`${label}: uncaught ${error.name}: ${error.message}`));
    page.on('response', (response) => {
      const url = response.url();
      if (response.status() < 400 || !new URL(url).pathname.startsWith('/api/')) return;
      if (this.match(url, response.status())) return;
      this.problems.push(`${label}: ${response.request().method()} ${url} answered ${response.status()}`);
    });
    return page;
  }

  /**
   * Declares a deliberate failure; returns a function that stops allowing it and tells how many
   * responses matched (the browser's console line for the same response is allowed, not counted).
   */
  expect(failure: ExpectedFailure): () => number {
    this.expected.set(failure, 0);
    return () => {
      const seen = this.expected.get(failure) ?? 0;
      this.expected.delete(failure);
      return seen;
    };
  }

  private match(url: string, status: number, count = true): boolean {
    for (const [failure, seen] of this.expected) {
      if (failure.url.test(url) && (Number.isNaN(status) || failure.status === status)) {
        if (count) this.expected.set(failure, seen + 1);
        return true;
      }
    }
    return false;
  }
}
