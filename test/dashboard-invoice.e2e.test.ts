import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { extractText, getDocumentProxy } from 'unpdf';
import { openBrowser, signInAt, skipWithoutChromium, type Browser } from './browser.ts';
import { startServer, type TestServer } from './helpers.ts';
import { createDemoTenant, DEMO_EMAIL, DEMO_PASSWORD } from '../src/core/demo.ts';

// An invoice as a document in Debian's chromium: "Download PDF" saves the server's PDF (read back
// with a PDF library here), and "Record payment" takes money through the payments core, so the
// balance and then the status follow.
describe('an invoice page in a real browser: PDF and payments', { skip: skipWithoutChromium }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    server = await startServer();
    await createDemoTenant(server.app.database.db);
    browser = await openBrowser({ locale: 'en-US' });
    page = browser.page;
    await signInAt(page, `${server.url}/dashboard/records/invoices`, DEMO_EMAIL, DEMO_PASSWORD);
    await page.getByRole('heading', { name: 'Invoices', exact: true }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  type Invoice = { id: string; number: string; status: string; amountDue: number; totalAmount: number; currency: string };
  const invoices = async (): Promise<Invoice[]> =>
    page.evaluate(async () => (await (await fetch('/manage/v1/records/invoices?limit=100', { headers: { 'x-motors-environment': 'test' } })).json()).data);

  it('downloads the invoice as a PDF holding its number, dealership and total', async () => {
    const inv = (await invoices()).find((i) => i.status === 'sent' && i.amountDue > 0)!;
    assert.ok(inv, 'the demo has a sent invoice with money due');
    await page.goto(`${server.url}/dashboard/records/invoices/${inv.id}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PDF' }).click()]);
    assert.equal(download.suggestedFilename(), `${inv.number}.pdf`);
    const file = await download.path();
    const pdf = await getDocumentProxy(new Uint8Array(fs.readFileSync(file)));
    const { text } = await extractText(pdf, { mergePages: true });
    const total = new Intl.NumberFormat('en-US', { style: 'currency', currency: inv.currency }).format(inv.totalAmount / 100);
    for (const expected of ['INVOICE', inv.number, 'Demo Motors', total, 'Balance due']) assert.ok(text.includes(expected), `"${expected}" in ${text}`);
    await browser.shot('invoice-page');
  });

  it('records a part payment, then the rest: the balance follows and the invoice becomes paid', async () => {
    const inv = (await invoices()).find((i) => i.status === 'sent' && i.amountDue > 200)!;
    await page.goto(`${server.url}/dashboard/records/invoices/${inv.id}`);
    await page.getByRole('button', { name: 'Record payment' }).click();
    const dialog = page.getByRole('dialog', { name: 'Record payment' });
    assert.equal(await dialog.getByLabel(/^Amount/).inputValue(), (inv.amountDue / 100).toFixed(2), 'the amount due is proposed');
    await dialog.getByLabel(/^Amount/).fill('1.00');
    await dialog.getByLabel('Method').selectOption('cash');
    await browser.shot('record-payment');
    await dialog.getByRole('button', { name: 'Record payment' }).click();
    await page.getByText(/Payment recorded: .* still due\./).waitFor();
    const money = (n: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: inv.currency }).format(n / 100);
    await page
      .getByTestId('totals')
      .getByText(money(inv.amountDue - 100))
      .waitFor();

    await page.getByRole('button', { name: 'Record payment' }).click();
    await page.getByRole('dialog', { name: 'Record payment' }).getByRole('button', { name: 'Record payment' }).click();
    await page.getByText('Payment recorded: the invoice is paid.').waitFor();
    // The message comes with the payment's answer; the page then reloads the invoice.
    await page
      .getByTestId('record-status')
      .filter({ hasText: /^paid$/i })
      .waitFor();
    assert.equal(await page.getByRole('button', { name: 'Record payment' }).count(), 0, 'nothing more to pay');
    assert.equal(await page.getByRole('button', { name: 'Delete' }).count(), 0, 'a paid invoice offers no delete');
    const after = (await invoices()).find((i) => i.id === inv.id)!;
    assert.deepEqual([after.status, after.amountDue], ['paid', 0]);
  });
});
