import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sharedServer, staffDealer, type TestServer } from './helpers.ts';
import { fieldLabel } from '../src/core/field-label.ts';
import { asInstruction, describeError, describeFieldError, errorFor } from '../web/src/lib/field-errors.ts';
import { formatMileage, formatNumber } from '../web/src/lib/format.ts';

// A refused save names each field in words, and the dashboard's numbers follow the locale.
describe('field errors in words', () => {
  it('says a path as words, list items by their number', () => {
    assert.equal(fieldLabel('email'), 'Email');
    assert.equal(fieldLabel('lines.0.description'), 'Line 1 description');
    assert.equal(fieldLabel('jobs.1.lines.0.unitAmount'), 'Job 2 line 1 unit amount');
    assert.equal(fieldLabel('media.2.url'), 'Media item 3 URL');
    assert.equal(fieldLabel('saleOptions.priceAmount'), 'Sale options: price amount');
    assert.equal(fieldLabel('customerId'), 'Customer ID');
  });

  it('shows the server’s phrase as an instruction, with the form’s label where it has one', () => {
    assert.equal(asInstruction('must be at least 1 character'), 'enter at least 1 character');
    assert.equal(asInstruction('must be an email address'), 'enter a valid e-mail address');
    assert.equal(asInstruction('must be one of "km", "mi"'), 'choose one of "km", "mi"');
    assert.equal(asInstruction('already used by another motor'), 'already used by another motor');
    const line = { field: 'body.lines.0.description', label: 'Line 1 description', message: 'must be at least 1 character' };
    assert.equal(describeFieldError(line), 'Line 1 description: enter at least 1 character');
    const email = { field: 'body.contactEmail', label: 'Contact email', message: 'must be an email address' };
    assert.equal(describeFieldError(email, { contactEmail: 'Their e-mail' }), 'Their e-mail: enter a valid e-mail address');
    assert.equal(describeFieldError({ field: 'body.vin', message: 'is invalid' }), 'vin: is invalid', 'no label from the server: the path, without where it came from');
    assert.deepEqual(describeError({ message: 'Not found', fields: [] }), ['Not found']);
    assert.equal(errorFor([line], 'lines.0.description'), line);
    assert.equal(errorFor([line], 'description'), line, 'a nested field is found by its own name too');
    assert.equal(errorFor([line], 'lines.1.description'), undefined);
  });

  it('formats counts, quantities and mileage by locale', () => {
    assert.equal(formatNumber(48210, 'en-US'), '48,210');
    assert.equal(formatNumber(48210, 'de-DE'), '48.210');
    assert.equal(formatNumber(1.5, 'en-US'), '1.5');
    assert.equal(formatNumber(0.125, 'de-DE'), '0,125');
    assert.equal(formatNumber(null), '—');
    assert.equal(formatMileage(48210, 'mi', 'en-US'), '48,210 mi');
    assert.equal(formatMileage(48210, 'km', 'de-DE'), '48.210 km');
    assert.equal(formatMileage(48210, undefined, 'en-US'), '48,210');
  });

  describe('on the management API', () => {
    let server: TestServer;
    before(async () => {
      server = await sharedServer();
    });
    after(async () => server?.close());

    it('labels each field of a refused record in words', async () => {
      const { manage: api } = await staffDealer(server);
      const customer = await api('POST', '/manage/v1/records/customers', { firstName: 'Ada', email: 'not-an-email' });
      assert.equal(customer.status, 400, customer.text);
      assert.deepEqual(customer.body.error.details, [{ field: 'body.email', label: 'Email', message: 'must be an email address' }]);
      const created = await api('POST', '/manage/v1/records/customers', { firstName: 'Ada' });
      assert.equal(created.status, 201, created.text);
      const invoice = await api('POST', '/manage/v1/records/invoices', {
        customerId: created.body.data.id,
        currency: 'USD',
        lines: [{ kind: 'part', description: '', quantity: 1, unitAmount: 100, taxRate: 0 }],
      });
      assert.equal(invoice.status, 400, invoice.text);
      assert.deepEqual(invoice.body.error.details, [{ field: 'body.lines.0.description', label: 'Line 1 description', message: 'must be at least 1 character' }]);
    });
  });
});
