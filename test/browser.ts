import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

// Debian's chromium, driven by playwright-core: test tools' own browser downloads don't work on
// our machines. CI must never pass by skipping the browser: there, a missing chromium fails.
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('test-artifacts');
const hasChromium = fs.existsSync(CHROMIUM);
export const skipWithoutChromium = !hasChromium && !process.env.CI ? `${CHROMIUM} is missing: apt-get install -y chromium` : false;

export type Browser = { context: BrowserContext; page: Page; shot(name: string): Promise<unknown>; close(): Promise<void> };

/** Builds the dashboard if needed and opens chromium with a fresh profile. */
export async function openBrowser(opts: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  assert.ok(hasChromium, `${CHROMIUM} is not installed; .ci/run installs it with apt-get (apt-get install -y chromium)`);
  const built = spawnSync(process.execPath, ['scripts/build-web.mjs', '--if-missing'], { stdio: 'inherit' });
  assert.equal(built.status, 0, 'building the dashboard failed');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'motors-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: opts.viewport ?? { width: 1280, height: 860 },
    ...(opts.locale ? { locale: opts.locale } : {}),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  return {
    context,
    page,
    shot: (name) => page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true }),
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens a dashboard page signed out and signs in there with the sign-in form. */
export async function signInAt(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
