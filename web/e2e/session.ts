// A suite's browser session against the real service: one service, one browser profile for the
// whole suite (as one person's browser: local storage is kept), and pages that fail the test on
// any page error.

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';

import { launchBrowser } from './browser';
import { startService, type Service } from './service';

export interface Session {
  /** The service, once the suite has started. */
  readonly service: Service;
  /** A new page of the suite's browser at `path` of the service. */
  openPage(path: string): Promise<Page>;
}

/** Starts the service (with `options`) and the browser before the suite's tests and stops them after. */
export function browserSession(options: Parameters<typeof startService>[0] = {}): Session {
  let service: Service | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    [service, browser] = await Promise.all([startService(options), launchBrowser()]);
    context = await browser.newContext();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  return {
    get service(): Service {
      if (!service) throw new Error('the service starts in beforeAll');
      return service;
    },
    async openPage(path: string): Promise<Page> {
      if (!context || !service) throw new Error('the browser starts in beforeAll');
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('close', () => expect(errors).toEqual([]));
      await page.goto(service.url + path);
      return page;
    },
  };
}
