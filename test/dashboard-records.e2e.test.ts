import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { openBrowser, skipWithoutChromium, type Browser } from './browser.ts';
import { startServer, client, type TestServer } from './helpers.ts';
import { createTenant, createUser } from '../src/core/tenants.ts';
import { createApiKey } from '../src/core/api-keys.ts';
import { webhookEndpoints } from '../src/storage/schema/index.ts';
import { eq } from 'drizzle-orm';

// The dashboard's webhook and record pages in Debian's chromium: add a webhook pointing at a local
// receiver → send a test event → the delivery shows 200; then a customer created, edited, deleted
// and restored through the records pages, an invoice moved through its statuses, a vehicle's photos.
const skip = skipWithoutChromium;

const CAR_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><rect width="400" height="300" fill="#1d4ed8"/><rect x="60" y="140" width="280" height="70" rx="20" fill="#e5e7eb"/><circle cx="120" cy="215" r="28" fill="#111827"/><circle cx="280" cy="215" r="28" fill="#111827"/></svg>`;

/** A webhook receiver (POST → 200 "received") that also serves a photo for the vehicle page. */
async function startReceiver() {
  const events: { event: string; body: unknown }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/car.svg') {
        res.writeHead(200, { 'content-type': 'image/svg+xml' });
        return res.end(CAR_SVG);
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
      events.push({ event: String(req.headers['x-motors-event']), body });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`received ${req.headers['x-motors-event']}`);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, events, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

describe('dashboard webhooks and records in a real browser', { skip }, () => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let browser: Browser;
  let page: Page;
  let tenantId: string;

  before(async () => {
    server = await startServer();
    await server.app.webhooks.start();
    receiver = await startReceiver();
    browser = await openBrowser({ locale: 'en-US' });
    ({ page } = browser);

    const tenant = await createTenant(server.app.database.db, { name: 'Riverside Autos' });
    tenantId = tenant.id;
    const email = `owner.${crypto.randomBytes(4).toString('hex')}@riverside.example`;
    await createUser(server.app.database.db, { tenantId, email, name: 'Rita Owner', role: 'owner', password: 'correct-horse-battery' });
    await page.goto(`${server.url}/dashboard/integrations/webhooks`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Webhooks', exact: true }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await receiver?.close();
    await server?.close();
  });

  const shot = (name: string) => browser.shot(name);

  it('adds a webhook, sends a test event and sees the delivery with 200 in the log', async () => {
    await page.getByText('No test webhook endpoints yet').waitFor();
    await shot('webhooks-empty');
    await page.getByRole('button', { name: '+ Add endpoint' }).click();
    const form = page.getByRole('dialog', { name: 'Add a webhook endpoint' });
    await form.getByLabel('Endpoint URL').fill(`${receiver.url}/hooks/motors`);
    await form.getByLabel('Description').fill('Local DMS');
    // Choose events from the catalogue: all customer events, grouped.
    await form.getByLabel(/All events/).uncheck();
    await form.locator('input[value="crm.customers.created"]').waitFor();
    await form.locator('.event-group', { hasText: 'Customers' }).locator('.check.strong input').check();
    await form.locator('input[value="webhook.test"]').check();
    await shot('webhook-create');
    await form.getByRole('button', { name: 'Add endpoint' }).click();

    // The secret is shown once, with a warning.
    const secret = (await page.getByTestId('webhook-secret').textContent())!.trim();
    assert.match(secret, /^whsec_/);
    await page.getByText("Copy the signing secret now — you won't see it again.").waitFor();
    await shot('webhook-secret');
    await page.getByRole('button', { name: "I've saved the secret" }).click();
    const row = page.locator('tr', { hasText: '/hooks/motors' });
    await row.getByText('crm.customers.*, webhook.test').waitFor();
    await row.getByText('Enabled').waitFor();
    assert.ok(!(await page.content()).includes(secret), 'the secret is gone once acknowledged');
    await shot('webhooks-list');

    // Send a test event: the result shows the receiver's answer; the log shows the delivery.
    await row.getByRole('link', { name: /Deliveries of/ }).click();
    await page.getByText('No deliveries yet').waitFor();
    await page.getByRole('button', { name: 'Send test event' }).click();
    const result = page.getByTestId('test-result');
    await result.getByText('Test event delivered').waitFor();
    await result.getByText('received webhook.test').waitFor();
    assert.match((await result.textContent())!, /200/);
    const delivery = page.locator('tr[data-event="webhook.test"]');
    await delivery.waitFor();
    assert.equal((await delivery.getByTestId('delivery-code').textContent())!.trim(), '200');
    await delivery.getByText('succeeded').waitFor();
    await delivery.getByRole('button', { name: 'Details' }).click();
    await page.locator('.attempts').getByText('received webhook.test').waitFor();
    assert.equal(receiver.events.filter((e) => e.event === 'webhook.test').length, 1);
    await shot('webhook-deliveries');

    // Resend and "recover failed since…" answer with what they did.
    await delivery.getByRole('button', { name: 'Resend webhook.test' }).click();
    await page.getByText('Delivery of webhook.test queued again.').waitFor();
    await page.getByRole('button', { name: 'Recover failed deliveries' }).click();
    await page.getByText('No failed deliveries since then — nothing to recover.').waitFor();

    // An endpoint the worker disabled says so, and why, in the list.
    await server.app.database.db
      .update(webhookEndpoints)
      .set({ enabled: false, disabledReason: 'Disabled automatically on 2026-01-20T10:00:00.000Z: no successful delivery since 2026-01-15T10:00:00.000Z (5 days).' })
      .where(eq(webhookEndpoints.tenantId, tenantId));
    await page.getByRole('link', { name: '← Webhooks' }).click();
    await page.locator('tr', { hasText: '/hooks/motors' }).getByText('Disabled after 5 days of failures').waitFor();
    await page.getByText(/no successful delivery since/).waitFor();
    await shot('webhooks-disabled');
    await page.locator('tr', { hasText: '/hooks/motors' }).getByRole('button', { name: /^Edit/ }).click();
    await page.getByRole('dialog', { name: 'Edit webhook endpoint' }).getByLabel('Enabled').check();
    await page.getByRole('dialog', { name: 'Edit webhook endpoint' }).getByRole('button', { name: 'Save endpoint' }).click();
    await page.locator('tr', { hasText: '/hooks/motors' }).getByText('Enabled', { exact: true }).waitFor();
    await page
      .locator('tr', { hasText: '/hooks/motors' })
      .getByRole('link', { name: /Deliveries of/ })
      .click();

    // Rotating shows the new secret once.
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('dialog', { name: 'Rotate the signing secret?' }).getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = (await page.getByTestId('webhook-secret').textContent())!.trim();
    assert.notEqual(rotated, secret);
    await page.getByRole('button', { name: "I've saved the secret" }).click();
    await page.getByText(/previous secret also signs/).waitFor();
  });

  it('creates, edits, deletes and restores a customer; the webhook hears about it', async () => {
    await page.getByRole('link', { name: 'Customers', exact: true }).click();
    await page.getByText('No test customers yet').waitFor();
    await page.getByRole('button', { name: '+ New customer' }).click();
    const form = page.getByRole('dialog', { name: 'New customer' });
    await form.getByLabel('First name').fill('Amelia');
    await form.getByLabel('Last name').fill('Hart');
    await form.getByLabel('Email').fill('amelia.hart@example.com');
    await form.getByLabel('Tags').fill('repeat-buyer, vip-prospect');
    await shot('customer-create');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Amelia Hart' }).waitFor();
    assert.match(page.url(), /\/dashboard\/records\/customers\/[0-9a-f-]{36}$/);

    // Edit: only the changed fields are sent.
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('dialog', { name: 'Edit customer' });
    await edit.getByLabel('Mobile').fill('+44 7700 900123');
    await edit.getByLabel('Lifecycle stage').selectOption('CUSTOMER');
    const put = page.waitForRequest((r) => r.method() === 'PUT' && r.url().includes('/manage/v1/records/customers/'));
    await edit.getByRole('button', { name: 'Save changes' }).click();
    assert.deepEqual((await put).postDataJSON(), { mobile: '+44 7700 900123', lifecycleStage: 'CUSTOMER' });
    await page.locator('dd', { hasText: '+44 7700 900123' }).waitFor();
    await page.locator('dd', { hasText: 'CUSTOMER' }).waitFor();
    await shot('customer-detail');

    // The webhook subscribed to customer events got both, in order.
    await waitFor(() => receiver.events.some((e) => e.event === 'crm.customers.updated'));
    assert.deepEqual(
      receiver.events.filter((e) => e.event.startsWith('crm.customers.')).map((e) => e.event),
      ['crm.customers.created', 'crm.customers.updated'],
    );

    // Delete with confirmation → Recently deleted → restore.
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog', { name: 'Delete this customer?' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('tab', { name: 'Recently deleted', selected: true }).waitFor();
    const deleted = page.locator('tr', { hasText: 'Amelia Hart' });
    await deleted.waitFor();
    await shot('customers-deleted');
    await deleted.getByRole('button', { name: 'Restore Amelia Hart' }).click();
    await page.getByText('Amelia Hart restored.').waitFor();
    await page.getByRole('tab', { name: 'Active' }).click();
    await page.locator('tr', { hasText: 'amelia.hart@example.com' }).waitFor();

    // The list's search box searches every customer (the server's `q`) and says when none match.
    await page.getByPlaceholder('Search customers…').fill('nobody-matches');
    await page.getByText('No customers match “nobody-matches”').waitFor();
    await page.getByPlaceholder('Search customers…').fill('hart');
    await page.locator('tr', { hasText: 'Amelia Hart' }).waitFor();
    await shot('customers-list');
  });

  it('shows an invoice with lines and totals and moves it through its statuses', async () => {
    const key = await createApiKey(server.app.database.db, { tenantId, environment: 'test', scopes: ['*'], rateLimit: 10_000 });
    const api = client(server.url, { 'x-api-key': key.key });
    const customer = await api('POST', '/api/public/v1/customers', { firstName: 'Bruno', lastName: 'Diaz' });
    const invoice = await api('POST', '/api/public/v1/invoices', {
      customerId: customer.body.data.id,
      currency: 'GBP',
      dueDate: '2030-01-31',
      lines: [
        { kind: 'part', description: 'Oil filter', quantity: 3, unitAmount: 1999, taxRate: 20 },
        { kind: 'labour', description: 'Oil change', quantity: 1.5, unitAmount: 8500, taxRate: 20 },
      ],
    });
    assert.equal(invoice.status, 201, invoice.text);
    const motor = await api('POST', '/api/public/v1/motors', {
      make: 'Toyota',
      model: 'Camry',
      year: 2019,
      listingType: 'sale',
      listingStatus: 'active',
      saleOptions: { priceAmount: 2150000, currency: 'USD', isNegotiable: true },
      media: [{ url: `${receiver.url}/car.svg`, isFeatured: true }],
    });
    assert.equal(motor.status, 201, motor.text);

    await page.getByRole('link', { name: 'Invoices', exact: true }).click();
    const row = page.locator('tr', { hasText: invoice.body.data.number });
    await row.getByText('£224.96').first().waitFor(); // 3 × 19.99 + 1.5 × 85.00 = 187.47, plus 20% tax (37.49)
    await row.getByRole('link', { name: invoice.body.data.number, exact: true }).click();
    await page.getByTestId('totals').getByText('£187.47').waitFor();
    await page.getByRole('table', { name: 'Lines' }).getByText('Oil change').waitFor();
    await page
      .getByTestId('record-status')
      .filter({ hasText: /^draft$/ })
      .waitFor();
    assert.deepEqual(await page.locator('.status-actions button').allTextContents(), ['Mark as sent', 'Void']);
    await page.getByRole('button', { name: 'Mark as sent' }).click();
    await page
      .getByTestId('record-status')
      .filter({ hasText: /^sent$/ })
      .waitFor();
    assert.deepEqual(await page.locator('.status-actions button').allTextContents(), ['Mark as paid', 'Void']);
    await shot('invoice-detail');
    await page.getByRole('button', { name: 'Mark as paid' }).click();
    await page.getByRole('dialog', { name: 'Mark as paid?' }).getByRole('button', { name: 'Mark as paid' }).click();
    await page
      .getByTestId('record-status')
      .filter({ hasText: /^paid$/ })
      .waitFor();
    await page.getByText('paid is final').waitFor();

    // A vehicle: listing price from minor units, the photo shown from its URL.
    await page.getByRole('link', { name: 'Vehicles', exact: true }).click();
    const car = page.locator('tr', { hasText: '2019 Toyota Camry' });
    await car.getByText('$21,500.00').waitFor();
    await car.getByRole('link', { name: '2019 Toyota Camry', exact: true }).click();
    const photo = page.locator('.photo-grid img').first();
    await photo.waitFor();
    await page.waitForFunction(
      () => {
        const img = document.querySelector<HTMLImageElement>('.photo-grid img');
        return Boolean(img && img.complete && img.naturalWidth > 0);
      },
      undefined,
      { timeout: 10_000 },
    );
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('dialog', { name: 'Edit vehicle' });
    await edit.getByLabel('Asking price').fill('20,999.50');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('dd', { hasText: '$20,999.50' }).first().waitFor();
    await shot('vehicle-detail');

    // A new listing from the form: the price options follow the listing type; photos by URL with a preview.
    await page.getByRole('link', { name: '← Vehicles' }).click();
    await page.getByRole('button', { name: '+ New vehicle' }).click();
    const add = page.getByRole('dialog', { name: 'New vehicle' });
    await add.locator('#f-make').fill('Honda');
    await add.locator('#f-model').fill('CR-V');
    await add.locator('#f-year').fill('2022');
    await add.locator('#f-listingType').selectOption('rental');
    await add.getByLabel('Daily rate').fill('65');
    await add.locator('#f-rentalOptions-currency').waitFor();
    assert.equal(await add.locator('#f-rentalOptions-currency').inputValue(), 'USD');
    await add.getByLabel('Photo URL').fill(`${receiver.url}/car.svg`);
    await add.getByRole('button', { name: 'Add photo' }).click();
    await add.locator('.photo-grid img').waitFor();
    await shot('vehicle-create');
    await add.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: '2022 Honda CR-V' }).waitFor();
    await page.locator('dd', { hasText: '$65.00 / day' }).waitFor();
    await page.locator('.photo-grid img').waitFor();

    // A work order made in the dashboard: customer and vehicle picked by name, a job with a line.
    await page.getByRole('link', { name: 'Work orders', exact: true }).click();
    await page.getByRole('button', { name: '+ New work order' }).click();
    const wo = page.getByRole('dialog', { name: 'New work order' });
    await wo.locator('#f-customerId').fill('bruno');
    await wo.getByRole('option', { name: /Bruno Diaz/ }).click();
    await wo.locator('#f-motorId').fill('camry');
    await wo.getByRole('option', { name: /2019 Toyota Camry/ }).click();
    await wo.getByRole('button', { name: '+ Add job' }).click();
    await wo.getByLabel('Job 1 title').fill('Front brakes');
    await wo.getByLabel('Concern').fill('Grinding noise');
    await wo.getByLabel('Authorised by the customer').check();
    await wo.getByRole('button', { name: '+ Add line' }).click();
    await wo.getByLabel('Line 1 kind').selectOption('labour');
    await wo.getByLabel('Line 1 description').fill('Replace pads and discs');
    await wo.getByLabel('Line 1 unit price').fill('95');
    await wo.getByLabel('Line 1 tax rate').fill('20');
    await shot('work-order-create');
    await wo.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: /^WO-/ }).waitFor();
    await page.getByTestId('totals').getByText('$114.00').waitFor();
    await page.getByRole('link', { name: 'Bruno Diaz' }).waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page
      .getByTestId('record-status')
      .filter({ hasText: /^approved$/ })
      .waitFor();
    assert.deepEqual(await page.locator('.status-actions button').allTextContents(), ['Start work', 'Cancel']);
    await shot('work-order-detail');

    // A lead from a phone call, followed up through its statuses.
    await page.getByRole('link', { name: 'Leads', exact: true }).click();
    await page.getByRole('button', { name: '+ New lead' }).click();
    const lead = page.getByRole('dialog', { name: 'New lead' });
    await lead.locator('#f-source').selectOption('phone');
    await lead.getByLabel('Contact name').fill('Dana Whitfield');
    await lead.getByLabel('Contact email').fill('dana.whitfield@example.com');
    await lead.locator('#f-interest').selectOption('test-drive');
    await lead.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Dana Whitfield' }).waitFor();
    assert.deepEqual(await page.locator('.status-actions button').allTextContents(), ['Mark as contacted', 'Mark as qualified', 'Mark as lost']);
    await page.getByRole('button', { name: 'Mark as contacted' }).click();
    await page
      .getByTestId('record-status')
      .filter({ hasText: /^contacted$/ })
      .waitFor();
    await shot('lead-detail');

    // Any other collection: a generic list and a JSON form.
    await page.getByRole('link', { name: 'All records', exact: true }).click();
    await page.getByRole('link', { name: /^Purchase orders/ }).waitFor();
    await page.getByRole('link', { name: /^Vendors/ }).click();
    await page.getByRole('button', { name: '+ New vendor' }).click();
    const vendor = page.getByRole('dialog', { name: 'New vendor' });
    await vendor.getByLabel('Other fields (JSON)').fill('{"name": "Brake Masters", "paymentTermsDays": 30}');
    await vendor.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Brake Masters' }).waitFor();
    await page.locator('dd', { hasText: /^30$/ }).waitFor();
    await shot('vendor-detail');

    // Phone width: the record list stays usable.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Invoices', exact: true }).click();
    await page.locator('tr', { hasText: invoice.body.data.number }).waitFor();
    await shot('invoices-phone');
    await page.setViewportSize({ width: 1280, height: 860 });

    // The live switch changes everything on screen: records, keys and the request chart.
    await page.getByTestId('env-live').click();
    await page.getByText('No live invoices yet').waitFor();
    await page.getByRole('link', { name: 'API keys', exact: true }).click();
    await page.getByText('No live keys').waitFor();
    await page.getByTestId('other-env-keys').getByText('1 test key hidden', { exact: false }).waitFor();
    await page.getByRole('link', { name: 'Request log' }).click();
    await page.getByText('· all live keys').waitFor();
    await page.getByTestId('env-test').click();
    await page.getByText('· all test keys').waitFor();
  });
});

async function waitFor(check: () => boolean, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
