import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { openBrowser, skipWithoutChromium, type Browser } from './browser.ts';
import { startServer, type TestServer } from './helpers.ts';
import { createDemoTenant, DEMO_EMAIL, DEMO_PASSWORD } from '../src/core/demo.ts';

// axe-core on every dashboard page, at a desktop (1440×900) and a phone (390×844) size, on the
// demo dealership: no serious or critical WCAG 2.1 A/AA violation anywhere. The pages are the
// sign-in page, every page the main menu links to, and the first record of each record list.
// axe is evaluated in the page through the DevTools protocol, which the page's CSP does not
// govern, so the production CSP stays as it is.
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
type Violation = { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] };

async function settle(page: Page) {
  await page.waitForLoadState('networkidle');
  await page
    .locator('.loading')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
}

async function audit(page: Page): Promise<Violation[]> {
  await settle(page);
  await page.evaluate(axeSource);
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: Violation[] }> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    }),
  )) as unknown as { violations: Violation[]; passes: unknown[] };
  assert.ok(result.passes.length > 10, 'axe ran its rules on the page');
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

const describeViolations = (where: string, list: Violation[]) =>
  list
    .map(
      (v) =>
        `${where}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes
          .slice(0, 3)
          .map((n) => JSON.stringify(n.target))
          .join(', ')}`,
    )
    .join('\n');

for (const size of [
  { name: 'desktop', viewport: { width: 1440, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
]) {
  describe(`accessibility (axe-core) at ${size.viewport.width}×${size.viewport.height}`, { skip: skipWithoutChromium }, () => {
    let server: TestServer;
    let browser: Browser;
    let page: Page;

    before(async () => {
      server = await startServer();
      await createDemoTenant(server.app.database.db, { publicUrl: server.url });
      browser = await openBrowser({ locale: 'en-US', viewport: size.viewport });
      page = browser.page;
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    it('has no serious or critical violation on any page, and a skip link first in the tab order', async () => {
      const problems: string[] = [];
      await page.goto(`${server.url}/dashboard`);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      problems.push(describeViolations('sign-in', await audit(page)));

      await page.getByLabel('Email').fill(DEMO_EMAIL);
      await page.getByLabel('Password').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('main#main').waitFor();

      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');

      // Every page of the menu (read from the menu itself, so a new page is covered when it is added).
      const links = await page.locator('nav[aria-label="Main"] a.nav-link[href^="/dashboard"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
      assert.ok(links.length >= 8, links.join(' '));
      const pages = [...new Set(links)];
      for (const list of ['/dashboard/records/customers', '/dashboard/records/invoices', '/dashboard/records/vehicles']) {
        await page.goto(server.url + list);
        await settle(page);
        const first = page.locator('main table tbody a[href^="/dashboard/records/"]').first();
        if (await first.count()) pages.push((await first.getAttribute('href'))!);
      }
      assert.ok(
        pages.some((p) => /\/records\/customers\/.+/.test(p)),
        `a customer's page is audited: ${pages.join(' ')}`,
      );

      for (const p of pages) {
        await page.goto(server.url + p);
        problems.push(describeViolations(p, await audit(page)));
      }
      await browser.shot(`a11y-${size.name}-last-page`);
      const found = problems.filter(Boolean).join('\n');
      assert.equal(found, '', `serious or critical axe violations:\n${found}`);
    });
  });
}
