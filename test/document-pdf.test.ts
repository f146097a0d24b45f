import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { extractText, getDocumentProxy } from 'unpdf';
import { sharedServer, client, type TestServer } from './helpers.ts';
import { updateDealership } from '../src/core/dealership.ts';

// Invoices and quotes as PDFs, read back with a PDF library (unpdf, on Mozilla's pdf.js): the
// document holds the dealership, the customer, its lines and totals, what was paid and what is due.
const base = '/api/public/v1';

async function pdfText(res: Response): Promise<{ text: string; pages: number }> {
  const pdf = await getDocumentProxy(new Uint8Array(await res.arrayBuffer()));
  const { text, totalPages } = await extractText(pdf, { mergePages: true });
  return { text: text.replace(/\s+/g, ' '), pages: totalPages };
}

describe('invoice and quote PDFs', () => {
  let server: TestServer;
  before(async () => (server = await sharedServer()));
  after(async () => server?.close());

  async function dealer() {
    const t = await server.tenant({ name: 'Hart Motors' });
    await updateDealership(server.app.database.db, t.tenantId, {
      name: 'Hart Motors of Fremont',
      address: { street: '2200 Auto Mall Dr', city: 'Fremont', region: 'CA', postalCode: '94538', country: 'US' },
      phone: '+1 510 555 0100',
      taxId: 'EIN 94-1234567',
      paymentTerms: 'Net 30 by bank transfer.',
    });
    const api = client(server.url, { 'x-api-key': t.key });
    const customer = await api('POST', `${base}/customers`, {
      type: 'person',
      firstName: 'Amelia',
      lastName: 'Hart',
      email: 'amelia@example.com',
      address: { line1: '1 Elm St', city: 'Oakland', country: 'US' },
    });
    assert.equal(customer.status, 201, customer.text);
    return { ...t, api, customerId: customer.body.data.id as string };
  }

  it('renders an invoice with the dealer, customer, lines, taxes, totals, payment and balance', async () => {
    const { api, key, customerId } = await dealer();
    const inv = await api('POST', `${base}/invoices`, {
      customerId,
      currency: 'USD',
      dueDate: '2099-01-31',
      notes: 'Thank you for your business.',
      lines: [
        { kind: 'labour', description: 'Brake service, front axle', quantity: 1.5, unitAmount: 12000, taxRate: 8.25 },
        { kind: 'part', description: 'Brake pads (set)', quantity: 1, unitAmount: 8999, taxRate: 8.25 },
      ],
    });
    assert.equal(inv.status, 201, inv.text);
    assert.equal((await api('PUT', `${base}/invoices/${inv.body.data.id}`, { status: 'sent' })).status, 200);
    const invoice = inv.body.data;
    const paid = await api('POST', '/crm-api/v1/payments', { invoice_id: invoice.id, amount: 100, method: 'card' });
    assert.equal(paid.status, 201, paid.text);

    const res = await fetch(`${server.url}${base}/invoices/${invoice.id}.pdf`, { headers: { 'x-api-key': key } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    assert.match(res.headers.get('content-disposition')!, new RegExp(`filename="${invoice.number}.pdf"`));
    const { text, pages } = await pdfText(res);
    assert.equal(pages, 1);
    const total = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(invoice.totalAmount / 100);
    const due = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format((invoice.totalAmount - 10000) / 100);
    for (const expected of [
      'INVOICE',
      invoice.number,
      'Hart Motors of Fremont',
      '2200 Auto Mall Dr',
      'Tax ID: EIN 94-1234567',
      'Amelia Hart',
      '1 Elm St',
      'Brake service, front axle',
      'Brake pads (set)',
      '8.25%',
      total,
      '$100.00',
      due,
      'Balance due',
      'Net 30 by bank transfer.',
      'Thank you for your business.',
      'January 31, 2099',
    ]) {
      assert.ok(text.includes(expected), `"${expected}" in: ${text}`);
    }
    // The JSON route beside it is untouched.
    assert.equal((await api('GET', `${base}/invoices/${invoice.id}`)).body.data.number, invoice.number);
  });

  it('renders a quote with its validity, and many lines over several pages', async () => {
    const { api, key, customerId } = await dealer();
    const lines = Array.from({ length: 60 }, (_, i) => ({ kind: 'part', description: `Part number ${i + 1}`, quantity: 1, unitAmount: 1000 + i }));
    const q = await api('POST', `${base}/quotes`, { customerId, currency: 'EUR', validUntil: '2099-06-30', lines });
    assert.equal(q.status, 201, q.text);
    const res = await fetch(`${server.url}${base}/quotes/${q.body.data.id}.pdf`, { headers: { 'x-api-key': key } });
    assert.equal(res.status, 200);
    const { text, pages } = await pdfText(res);
    assert.ok(pages >= 2, `${pages} pages`);
    for (const expected of ['QUOTE', q.body.data.number, 'Part number 1 ', 'Part number 60', 'valid until June 30, 2099', '€'])
      assert.ok(text.includes(expected), `"${expected}" in: ${text.slice(0, 400)}`);
  });

  it("answers in JSON for another dealer's invoice (404), a key without invoices:read (403) and no key (401)", async () => {
    const mine = await dealer();
    const inv = await mine.api('POST', `${base}/invoices`, { customerId: mine.customerId, lines: [{ kind: 'fee', description: 'Fee', quantity: 1, unitAmount: 500 }] });
    const other = await server.tenant();
    const theirs = await fetch(`${server.url}${base}/invoices/${inv.body.data.id}.pdf`, { headers: { 'x-api-key': other.key } });
    assert.equal(theirs.status, 404);
    assert.equal((await theirs.json()).error.code, 'not_found');
    const narrow = await server.key(mine.tenantId, { scopes: ['customers:read'] });
    const denied = await fetch(`${server.url}${base}/invoices/${inv.body.data.id}.pdf`, { headers: { 'x-api-key': narrow.key } });
    assert.equal(denied.status, 403);
    assert.match((await denied.json()).error.message, /invoices:read/);
    assert.equal((await fetch(`${server.url}${base}/invoices/${inv.body.data.id}.pdf`)).status, 401);
  });

  it('documents the PDF operations in /openapi.json as application/pdf', async () => {
    const doc = await (await fetch(`${server.url}/openapi.json`)).json();
    for (const path of ['/api/public/v1/invoices/{id}.pdf', '/api/public/v1/quotes/{id}.pdf', '/manage/v1/invoices/{id}.pdf']) {
      const op = doc.paths[path]?.get;
      assert.ok(
        op,
        `${path} in ${Object.keys(doc.paths)
          .filter((p: string) => p.includes('pdf'))
          .join(', ')}`,
      );
      assert.equal(op.responses['200'].content['application/pdf'].schema.format, 'binary');
    }
  });
});
