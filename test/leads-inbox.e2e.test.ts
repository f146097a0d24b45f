import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { openBrowser, skipWithoutChromium, type Browser } from './browser.ts';
import { startServer, client, type TestServer } from './helpers.ts';
import { createDemoTenant, DEMO_EMAIL, DEMO_PASSWORD } from '../src/core/demo.ts';
import { createApiKey } from '../src/core/api-keys.ts';

// The Leads inbox in Debian's chromium, on the demo dealership plus an ADF lead with parse
// warnings: titles by the customer's name, the status tabs and source filter in the URL, Back
// returning to the same filtered view, and a lead's page with its raw ADF and warnings.
const skip = skipWithoutChromium;

describe('the Leads inbox in a real browser', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let adfLeadId: string;

  before(async () => {
    server = await startServer();
    const demo = await createDemoTenant(server.app.database.db);
    const key = await createApiKey(server.app.database.db, { tenantId: demo.tenantId, environment: 'test', name: 'e2e', scopes: ['*'] });
    const sent = await client(server.url, { 'x-api-key': key.key })('POST', '/api/public/v1/leads/adf', fs.readFileSync('test/fixtures/adf/odd-values.xml', 'utf8'), {
      'content-type': 'application/xml',
    });
    assert.equal(sent.status, 201, sent.text);
    adfLeadId = sent.body.data[0].id;
    browser = await openBrowser({ locale: 'en-US' });
    page = browser.page;
    await page.goto(`${server.url}/dashboard/leads`);
    await page.getByLabel('Email').fill(DEMO_EMAIL);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Leads', exact: true }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const rows = () => page.getByRole('table', { name: 'Leads' }).locator('tbody tr');
  const search = () => new URL(page.url()).search;
  // The list keeps its old rows while the filtered page loads (and says so with aria-busy), so
  // wait until the table has settled on rows whose cell in `column` all start with `prefix`.
  const settledOn = (column: string, prefix: string) =>
    page.waitForFunction(
      ([column, prefix]) => {
        const table = document.querySelector('table[aria-label="Leads"]');
        const cells = [...(table?.querySelectorAll(`tbody td[data-label="${column}"]`) ?? [])];
        return table?.getAttribute('aria-busy') === 'false' && cells.length > 0 && cells.every((c) => c.textContent!.trim().startsWith(prefix));
      },
      [column, prefix],
    );

  it('lists every lead titled by a person: a customer’s lead by the customer’s name', async () => {
    await rows().first().waitFor();
    assert.equal(await rows().count(), 13, '12 demo leads and the ADF one');
    const titles = await rows().locator('td[data-label="Lead"] strong').allTextContents();
    for (const t of titles) assert.doesNotMatch(t, /^#|^[0-9a-f]{8}-/, `"${t}" is an id`);
    // Whichever demo customer a lead belongs to, its row shows that customer's name.
    const withCustomer = (await (await fetch(`${server.url}/manage/v1/lead-inbox?limit=100`, { headers: { cookie: await cookie() } })).json()).data.find(
      (l: { customerId: string | null }) => l.customerId,
    );
    await page.getByRole('link', { name: withCustomer.customerName, exact: true }).first().waitFor();
    assert.equal(await rows().first().getAttribute('data-lead-id'), adfLeadId, 'newest received first');
    assert.match(
      String(
        await page
          .getByRole('link', { name: /^Reply to / })
          .first()
          .getAttribute('href'),
      ),
      /^mailto:[^?]+@[^?]+\?subject=/,
    );
    await browser.shot('leads-inbox');
  });

  it('filters by status tab and source, keeps both in the URL, and Back returns to the same view', async () => {
    await page.getByRole('tab', { name: /^Won/ }).click();
    await page.waitForURL(/status=won/);
    await settledOn('Status', 'won');
    const won = await rows().locator('td[data-label="Status"] .badge').allTextContents();
    assert.ok(won.length > 0 && won.every((s) => s === 'won'), `only won leads: ${won}`);

    await page.getByRole('tab', { name: /^New/ }).click();
    await page.waitForURL(/status=new/);
    await page.getByLabel('Source').selectOption('adf');
    await page.waitForURL(/origin=adf/);
    await settledOn('Source', 'ADF');
    await page.locator(`tr[data-lead-id="${adfLeadId}"]`).waitFor();
    const sources = await rows().locator('td[data-label="Source"]').allTextContents();
    assert.ok(
      sources.every((s) => s.startsWith('ADF')),
      `only ADF leads: ${sources}`,
    );
    assert.equal(search(), '?status=new&origin=adf');
    await browser.shot('leads-inbox-filtered');

    await page.getByRole('link', { name: 'Quinn Odd', exact: true }).click();
    await page.getByRole('heading', { name: 'Quinn Odd' }).waitFor();
    await page.goBack();
    await page.waitForURL(/status=new&origin=adf/);
    await page.locator(`tr[data-lead-id="${adfLeadId}"]`).waitFor();
    assert.equal(await page.getByRole('tab', { name: /^New/ }).getAttribute('aria-selected'), 'true');
    assert.equal(await page.getByLabel('Source').inputValue(), 'adf');
    await page.goBack();
    await page.waitForURL((u) => u.search === '?status=new');
    assert.equal(await page.getByLabel('Source').inputValue(), '', 'the step before had no source filter');
    await page.goBack();
    await page.waitForURL(/status=won/);
    assert.equal(await page.getByRole('tab', { name: /^Won/ }).getAttribute('aria-selected'), 'true');
  });

  it('shows a lead’s raw ADF document and its parse warnings', async () => {
    await page.goto(`${server.url}/dashboard/leads/${adfLeadId}`);
    await page.getByRole('heading', { name: 'Quinn Odd' }).waitFor();
    const raw = await page.locator('pre.raw-document').textContent();
    assert.match(String(raw), /<adf>[\s\S]*<id source="OddFeed">ODD-3<\/id>/);
    const warnings = await page.getByTestId('parse-warnings').locator('li').allTextContents();
    assert.ok(
      warnings.some((w) => /is not a year/.test(w)),
      `warnings: ${warnings}`,
    );
    await page.getByText('ADF · OddFeed').first().waitFor();
    await browser.shot('lead-page-adf');

    // Assigning from the lead page is saved and shown in the inbox.
    const assignee = page.getByLabel('Assignee');
    const first = await assignee.locator('option').nth(1).getAttribute('value');
    await assignee.selectOption(first!);
    await page.getByText('Assignee saved.').waitFor();
    await page.getByRole('link', { name: '← Leads' }).click();
    await page.waitForURL(/status=won/, { waitUntil: 'commit' });
    assert.equal(await page.getByRole('tab', { name: /^Won/ }).getAttribute('aria-selected'), 'true', 'back to the inbox as last filtered');
    await page.getByRole('tab', { name: /^All/ }).click();
    await page.locator(`tr[data-lead-id="${adfLeadId}"]`).waitFor();
    assert.equal(await page.getByLabel('Assignee of Quinn Odd').inputValue(), first);

    await page.setViewportSize({ width: 390, height: 844 });
    await browser.shot('leads-inbox-phone');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  async function cookie(): Promise<string> {
    const c = (await browser.context.cookies()).find((x) => x.name.startsWith('motors'));
    assert.ok(c, 'the session cookie');
    return `${c.name}=${c.value}`;
  }
});
