import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { openBrowser, skipWithoutChromium, type Browser } from './browser.ts';
import { startServer, type TestServer } from './helpers.ts';
import { createTenant, createUser } from '../src/core/tenants.ts';
import { seedDemo } from '../src/core/demo.ts';
import { motors, tenants } from '../src/storage/schema/index.ts';
import { eq } from 'drizzle-orm';

// Tools & reports → Inventory feeds in Debian's chromium: the left-out report names a vehicle
// whose VIN is listed twice, a feed address is created and its URL fetched, then revoked.
describe('dashboard inventory feeds in a real browser', { skip: skipWithoutChromium }, () => {
  let server: TestServer;
  let browser: Browser;
  let tenantId: string;

  before(async () => {
    server = await startServer();
    browser = await openBrowser({ locale: 'en-US' });
    tenantId = (await createTenant(server.app.database.db, { name: 'Lakeside Motors' })).id;
    await server.app.database.db.transaction((tx) => seedDemo({ tenantId, environment: 'test', scopes: ['*'], actor: { type: 'system', id: 'test' }, requestId: 'test', db: tx }));
    const email = `owner.${crypto.randomBytes(4).toString('hex')}@lakeside.example`;
    await createUser(server.app.database.db, { tenantId, email, name: 'Lee Owner', role: 'owner', password: 'correct-horse-battery' });
    const { page } = browser;
    await page.goto(`${server.url}/dashboard/integrations/feeds`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Inventory feeds', exact: true }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the left-out report, creates a feed address whose URL serves the feed, and revokes it', async () => {
    const { page } = browser;
    // Two listed vehicles for sale with one VIN (spelt differently, as an import writes it).
    const listed = await server.app.database.db.select().from(motors).where(eq(motors.tenantId, tenantId));
    const sale = listed.filter((m) => m.listingType === 'sale' && m.listingStatus === 'active');
    await server.app.database.db.update(motors).set({ vin: sale[0].vin!.toLowerCase() }).where(eq(motors.id, sale[1].id));
    await page.reload();
    const google = page.locator('[data-feed="google-vehicle-listings"]');
    await google.getByText(`${sale.length - 2} of`).waitFor();
    const row = google.locator(`tr[data-motor-id="${sale[1].id}"]`);
    await row.getByText(/duplicate: VIN .* is listed on more than one vehicle/).waitFor();
    await google
      .locator(`tr[data-motor-id="${sale[0].id}"]`)
      .getByText(/duplicate/)
      .waitFor();
    await browser.shot('feeds-report');

    await page.getByRole('button', { name: '+ Create feed address' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a feed address' });
    await dialog.getByLabel('Name').fill('Merchant Center');
    await dialog.getByRole('button', { name: 'Create' }).click();
    // The addresses appear when the server has answered; read them only then.
    await page.getByTestId('feed-url').nth(1).waitFor();
    const urls = await page.getByTestId('feed-url').allTextContents();
    assert.equal(urls.length, 2);
    assert.match(urls[0], /\/feeds\/feed-[a-z2-7]{26}\/google-vehicle-listings\.tsv$/);
    await browser.shot('feeds-created');
    const tsv = await fetch(urls[0]);
    assert.equal(tsv.status, 200);
    const lines = (await tsv.text()).trim().split('\n');
    assert.equal(lines.length - 1, sale.length - 2, 'the feed holds what the report counts as included');
    await page.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('button', { name: 'Revoke Merchant Center' }).click();
    await page.getByRole('dialog', { name: 'Revoke this feed address?' }).getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('No test feed addresses').waitFor();
    assert.equal((await fetch(urls[0])).status, 404, 'a revoked address serves nothing');
  });

  it('saves the dealership profile and refuses a vehicle page address without a placeholder', async () => {
    const { page } = browser;
    const form = page.getByRole('form', { name: 'Dealership profile' });
    await form.getByLabel('Vehicle page address').fill('https://lakeside.example/cars');
    await form.getByRole('button', { name: 'Save dealership' }).click();
    await form.getByText(/must contain one of \{slug\}/).waitFor();
    await form.getByLabel('Vehicle page address').fill('https://lakeside.example/cars/{stockNumber}');
    await form.getByLabel('Store code').fill('LAKE-01');
    await form.getByLabel('Tax id').fill('US-EIN 12-3456789');
    await form.getByLabel('Time zone').selectOption('America/Chicago');
    await form.getByRole('button', { name: 'Save dealership' }).click();
    await page.getByText('Saved. The feeds use it from their next fetch.').waitFor();
    const [stored] = await server.app.database.db.select({ settings: tenants.settings }).from(tenants).where(eq(tenants.id, tenantId));
    assert.equal(stored.settings.timeZone, 'America/Chicago', 'Today counts days in the zone chosen');
    assert.equal((stored.settings.dealership as { taxId?: string }).taxId, 'US-EIN 12-3456789');
    await page.reload();
    assert.equal(await page.getByRole('form', { name: 'Dealership profile' }).getByLabel('Time zone').inputValue(), 'America/Chicago');
    await browser.shot('feeds-dealership');
    const res = await fetch(`${server.url}/manage/v1/dealership`);
    assert.equal(res.status, 401, 'the profile is behind the session');
  });
});
