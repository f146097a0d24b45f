import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { openBrowser, skipWithoutChromium, type Browser } from './browser.ts';
import { startServer, type TestServer } from './helpers.ts';
import { createTenant, createUser } from '../src/core/tenants.ts';
import { customerCollection } from '../src/core/customers.ts';
import type { Ctx } from '../src/core/context.ts';
import { invoices } from '../src/storage/schema/index.ts';

// Search in Debian's chromium, among more customers than any page or picker ever held: the global
// search box (`/`) finds the oldest of 2,001 customers, and the invoice form's customer picker
// chooses it, although the 200 newest (all a plain <select> used to hold) do not include it.
const CUSTOMERS = 2_000;

describe('dashboard search and record pickers in a real browser', { skip: skipWithoutChromium }, () => {
  let server: TestServer;
  let browser: Browser;
  let tenantId: string;
  let oldest: { id: string };

  before(async () => {
    server = await startServer();
    const tenant = await createTenant(server.app.database.db, { name: 'Hillside Motors' });
    tenantId = tenant.id;
    // Through core, in one transaction: the oldest first, then 2,000 newer namesakes of nobody.
    await server.app.database.db.transaction(async (db) => {
      const ctx: Ctx = { tenantId, environment: 'test', scopes: ['*'], actor: { type: 'system', id: 'test' }, requestId: 'seed', db };
      oldest = await customerCollection.create(ctx, { firstName: 'Zebulon', lastName: 'Quartermaine', email: 'zeb.q@example.com', mobile: '+44 7700 900555' });
      for (let i = 0; i < CUSTOMERS; i++) {
        await customerCollection.create(ctx, { firstName: `Customer${i}`, lastName: 'Newer', email: `c${i}@example.com` });
      }
    });
    const email = `owner.${crypto.randomBytes(4).toString('hex')}@hillside.example`;
    await createUser(server.app.database.db, { tenantId, email, name: 'Hana Owner', role: 'owner', password: 'correct-horse-battery' });
    browser = await openBrowser({ locale: 'en-US' });
    const { page } = browser;
    await page.goto(`${server.url}/dashboard/records/customers`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Customers', exact: true }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('finds the oldest of 2,001 customers with the global search box opened by /', async () => {
    const { page } = browser;
    // Focus out of any field (the sign-in form's), as after a click on the page: `/` then opens search.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('/');
    const box = page.getByLabel('Search customers, vehicles, invoices, leads and work orders');
    await box.waitFor();
    await box.fill('07700 900555');
    const group = page.getByRole('region', { name: 'Customers' });
    await group.getByRole('link', { name: /Zebulon Quartermaine/ }).waitFor();
    await box.fill('quarterm');
    const hit = group.getByRole('link', { name: /Zebulon Quartermaine/ });
    await hit.waitFor();
    await page.waitForFunction(() => !document.querySelector('.global-search')?.textContent?.includes('Searching…'));
    await browser.shot('search-global');
    await hit.click();
    await page.getByRole('heading', { name: 'Zebulon Quartermaine' }).waitFor();
    assert.ok(page.url().endsWith(`/records/customers/${oldest.id}`), page.url());

    // `/` typed inside a text field is just a character.
    await page.keyboard.press('/');
    const again = page.getByLabel('Search customers, vehicles, invoices, leads and work orders');
    await again.fill('a/b');
    assert.equal(await again.inputValue(), 'a/b');
    await page.keyboard.press('Escape');
    await again.waitFor({ state: 'detached' });
  });

  it("invoices the oldest customer, chosen in the form's searching picker", async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Invoices', exact: true }).click();
    await page.getByRole('button', { name: '+ New invoice' }).click();
    const form = page.getByRole('dialog', { name: 'New invoice' });
    const picker = form.locator('#f-customerId');
    await picker.fill('zebulon');
    const option = form.getByRole('option', { name: /Zebulon Quartermaine/ });
    await option.waitFor();
    await browser.shot('search-picker');
    await option.click();
    assert.equal(await picker.inputValue(), 'Zebulon Quartermaine');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: /^INV-/ }).waitFor();
    const rows = await server.app.database.db
      .select()
      .from(invoices)
      .where(and(eq(invoices.tenantId, tenantId), eq(invoices.environment, 'test')));
    assert.deepEqual(
      rows.map((r) => r.customerId),
      [oldest.id],
    );
  });
});
