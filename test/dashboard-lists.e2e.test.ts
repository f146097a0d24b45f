import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { Page } from 'playwright-core';
import { openBrowser, signInAt, skipWithoutChromium, type Browser } from './browser.ts';
import { startServer, type TestServer } from './helpers.ts';
import type { Ctx } from '../src/core/context.ts';
import { createTenant, createUser } from '../src/core/tenants.ts';
import { customerCollection } from '../src/core/customers.ts';

// The records lists in Debian's chromium: a column sort, jump to a page, the page size, all in
// the URL, so opening a record and pressing Back lands on the same page in the same order; the
// Export CSV link carries the list's filter, and Import CSV leads to the import page.
const skip = skipWithoutChromium;
const CUSTOMERS = 80;
const email = (i: number) => `c${String(i).padStart(3, '0')}@lists.example`;

describe('records lists in a real browser: sort, pages, Back, CSV', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    server = await startServer();
    const tenant = await createTenant(server.app.database.db, { name: 'Listing Motors' });
    // Written in a shuffled order, so neither the default order nor id order is the email order.
    const order = Array.from({ length: CUSTOMERS }, (_, i) => i).sort((a, b) => ((a * 37) % CUSTOMERS) - ((b * 37) % CUSTOMERS));
    await server.app.database.db.transaction(async (db) => {
      const ctx: Ctx = { tenantId: tenant.id, environment: 'test', scopes: ['*'], actor: { type: 'system', id: 'test' }, requestId: 'seed', db };
      for (const i of order) {
        await customerCollection.create(ctx, { firstName: `Person${i}`, lastName: 'Lister', email: email(i), lifecycleStage: i % 4 === 0 ? 'CUSTOMER' : 'LEAD' });
      }
    });
    const owner = `owner.${crypto.randomBytes(4).toString('hex')}@lists.example`;
    await createUser(server.app.database.db, { tenantId: tenant.id, email: owner, name: 'Lena Owner', role: 'owner', password: 'correct-horse-battery' });
    browser = await openBrowser({ locale: 'en-US' });
    page = browser.page;
    await signInAt(page, `${server.url}/dashboard/records/customers`, owner, 'correct-horse-battery');
    await page.getByRole('heading', { name: 'Customers', exact: true }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const emails = () => page.locator('table[aria-label="Customers"] tbody td[data-label="Email"]').allTextContents();
  // The table keeps its old rows while the next page loads (aria-busy="true"): wait until it has
  // settled on the expected rows before reading anything.
  const settledOn = (first: string, count: number) =>
    page.waitForFunction(
      ([first, count]) => {
        const table = document.querySelector('table[aria-label="Customers"]');
        const cells = [...(table?.querySelectorAll('tbody td[data-label="Email"]') ?? [])];
        return table?.getAttribute('aria-busy') === 'false' && cells.length === count && cells[0].textContent?.trim() === first;
      },
      [first, count] as const,
    );
  const query = () => new URL(page.url()).search;
  const emailHeader = () => page.locator('th', { has: page.getByRole('button', { name: 'Email', exact: true }) });

  it('sorts by a column, jumps to a page, changes the page size, and Back returns to the same page and order', async () => {
    await page.locator('table[aria-label="Customers"][aria-busy="false"] tbody tr').first().waitFor();
    assert.equal(await emailHeader().getAttribute('aria-sort'), 'none');
    assert.equal(await page.locator('th[aria-sort="descending"]').textContent(), 'Updated▼', 'newest change first');

    await page.getByRole('button', { name: 'Email', exact: true }).click();
    await page.waitForURL((u) => u.search === '?sort=email');
    await settledOn(email(0), 25);
    assert.equal(await emailHeader().getAttribute('aria-sort'), 'ascending');
    await page.getByText(`${CUSTOMERS} customers · Page 1 of 4`).waitFor();

    await page.getByLabel('Go to page').fill('3');
    await page.getByLabel('Go to page').press('Enter');
    await page.waitForURL((u) => u.search === '?sort=email&page=3');
    await settledOn(email(50), 25);
    assert.deepEqual(
      await emails(),
      Array.from({ length: 25 }, (_, i) => email(50 + i)),
    );
    await page.getByText('Page 3 of 4').waitFor();
    await browser.shot('lists-sorted-page-3');

    await page.getByLabel('Per page').selectOption('10');
    await page.waitForURL((u) => u.search === '?sort=email&limit=10');
    await settledOn(email(0), 10);
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.waitForURL((u) => u.search === '?sort=email&limit=10&page=2');
    await settledOn(email(10), 10);
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.waitForURL((u) => u.search === '?sort=email&limit=10&page=3');
    await settledOn(email(20), 10);
    assert.equal(await page.getByLabel('Go to page').inputValue(), '3');

    // Descending by a second click, then back to ascending with Back.
    await page.getByRole('button', { name: 'Email', exact: true }).click();
    await page.waitForURL((u) => u.search === '?sort=-email&limit=10');
    await settledOn(email(CUSTOMERS - 1), 10);
    assert.equal(await emailHeader().getAttribute('aria-sort'), 'descending');
    await page.goBack();
    await page.waitForURL((u) => u.search === '?sort=email&limit=10&page=3');
    await settledOn(email(20), 10);

    await page.getByRole('link', { name: 'Person23 Lister', exact: true }).click();
    await page.getByRole('heading', { name: 'Person23 Lister' }).waitFor();
    await page.goBack();
    await page.waitForURL((u) => u.search === '?sort=email&limit=10&page=3');
    await settledOn(email(20), 10);
    assert.deepEqual(
      await emails(),
      Array.from({ length: 10 }, (_, i) => email(20 + i)),
    );
    assert.equal(await emailHeader().getAttribute('aria-sort'), 'ascending');
    assert.equal(await page.getByLabel('Per page').inputValue(), '10');
    assert.equal(await page.getByLabel('Go to page').inputValue(), '3');
    await page.getByText('Page 3 of 8').waitFor();

    // Each step before is one Back away: page 2, page 1 of 10 a page, then page 3 of 25.
    await page.goBack();
    await page.waitForURL((u) => u.search === '?sort=email&limit=10&page=2');
    await page.goBack();
    await page.waitForURL((u) => u.search === '?sort=email&limit=10');
    await settledOn(email(0), 10);
    await page.goBack();
    await page.waitForURL((u) => u.search === '?sort=email&page=3');
    await settledOn(email(50), 25);
    assert.equal(await page.getByLabel('Per page').inputValue(), '25');

    // The record page's "← Customers" returns to the list as it was left, too.
    await page.getByRole('link', { name: 'Person55 Lister', exact: true }).click();
    await page.getByRole('link', { name: '← Customers' }).click();
    await page.waitForURL((u) => u.search === '?sort=email&page=3');
    await settledOn(email(50), 25);
  });

  it('searches every record from the list, in the URL, and the Export CSV link carries the filter, search and sort', async () => {
    await page.goto(`${server.url}/dashboard/records/customers?lifecycleStage=CUSTOMER&sort=-email`);
    await settledOn(email(76), 20);
    const link = page.getByRole('link', { name: 'Export CSV' });
    const href = new URL(String(await link.getAttribute('href')), server.url);
    assert.equal(href.pathname, '/manage/v1/records/customers.csv');
    assert.equal(href.searchParams.get('lifecycleStage'), 'CUSTOMER');
    assert.equal(href.searchParams.get('sort'), '-email');
    assert.equal(href.searchParams.get('page'), null, 'the export is every page');

    await page.getByPlaceholder('Search customers…').fill('c01');
    await page.waitForURL((u) => new URL(u).searchParams.get('q') === 'c01');
    await settledOn(email(16), 2);
    assert.deepEqual(await emails(), [email(16), email(12)], 'customers whose text holds c01, of the CUSTOMER stage, by email descending');
    assert.equal(query(), '?q=c01&lifecycleStage=CUSTOMER&sort=-email');
    const searched = new URL(String(await link.getAttribute('href')), server.url);
    assert.equal(searched.searchParams.get('q'), 'c01');
    assert.equal(searched.searchParams.get('lifecycleStage'), 'CUSTOMER');

    // The file behind the link (fetched as the link's click does, with the environment header).
    const csv = await page.evaluate(async (url) => {
      const res = await fetch(url, { headers: { 'x-motors-environment': 'test' } });
      return { total: res.headers.get('x-total-count'), text: await res.text() };
    }, searched.pathname + searched.search);
    assert.equal(csv.total, '2');
    assert.match(csv.text, /^id,type,firstName,lastName,/);
    assert.ok(csv.text.includes(email(16)) && csv.text.indexOf(email(16)) < csv.text.indexOf(email(12)) && !csv.text.includes(email(20)), csv.text);

    const download = page.waitForEvent('download');
    await link.click();
    assert.equal((await download).suggestedFilename(), 'customers.csv');

    await page.locator('main').getByRole('link', { name: 'Import CSV' }).click();
    await page.waitForURL(/\/dashboard\/tools\/import\/customers$/);
    await page.goBack();
    await settledOn(email(16), 2);
    assert.equal(await page.getByPlaceholder('Search customers…').inputValue(), 'c01');
  });

  it('sorts at phone width, where the table is cards without its header row, from a Sort by select', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${server.url}/dashboard/records/customers`);
      await page.locator('table[aria-label="Customers"][aria-busy="false"] tbody tr').first().waitFor();
      assert.equal(await emailHeader().isVisible(), false, 'no column header to click');
      const select = page.getByLabel('Sort by');
      assert.equal(await select.inputValue(), '-updatedAt');
      await select.selectOption({ label: 'Email, descending' });
      await page.waitForURL((u) => u.search === '?sort=-email');
      await settledOn(email(CUSTOMERS - 1), 25);
      assert.deepEqual(
        await emails(),
        Array.from({ length: 25 }, (_, i) => email(CUSTOMERS - 1 - i)),
      );
      await browser.shot('lists-phone-sorted');
      await page.setViewportSize({ width: 1280, height: 860 });
      assert.equal(await select.isVisible(), false, 'the headers sort at wider sizes');
    } finally {
      await page.setViewportSize({ width: 1280, height: 860 });
    }
  });
});
