import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildCurl, samplePath, shellQuote } from '../web/src/lib/curl.ts';
import { describeElsewhere, elsewhere, groupScopes, groupState, humanize, summarizeScopes, toggleGroup, toggleScope } from '../web/src/lib/scopes.ts';
import { expiryFrom, fillHours, keyStatus, maskKey, relativeTime, totals } from '../web/src/lib/format.ts';
import { scopeCatalogue } from '../src/core/scopes.ts';

// The logic that lives in the dashboard, tested without a browser.
describe('dashboard: scope checklist', () => {
  const catalogue = scopeCatalogue as unknown as Record<string, string[]>;

  it('groups the real catalogue by surface, resources with read before write', () => {
    const groups = groupScopes(catalogue);
    assert.deepEqual(
      groups.map((g) => [g.surface, g.label, g.basePath]),
      [
        ['records', 'Records API', '/api/public/v1'],
        ['crm', 'CRM API', '/crm-api/v1'],
        ['storefront', 'Storefront API', '/external'],
      ],
    );
    const records = groups[0];
    assert.equal(records.scopes.length, catalogue.records.length);
    const wo = records.resources.find((r) => r.resource === 'workOrders')!;
    assert.equal(wo.label, 'Work orders');
    assert.deepEqual(wo.scopes, ['workOrders:read', 'workOrders:write']);
    const crm = groups[1];
    assert.deepEqual(crm.resources.find((r) => r.resource === 'marketing')!.scopes, ['marketing:write']);
    assert.equal(humanize('test_drives'), 'Test drives');
  });

  it('selects and clears one scope or a whole surface', () => {
    const [records, crm] = groupScopes(catalogue);
    let selected = toggleScope([], 'clients:read', true);
    assert.equal(groupState(selected, crm), 'some');
    selected = toggleGroup(selected, records, true);
    assert.equal(groupState(selected, records), 'all');
    assert.ok(selected.includes('clients:read'), 'other groups are untouched');
    selected = toggleScope(selected, 'customers:write', false);
    assert.equal(groupState(selected, records), 'some');
    selected = toggleGroup(selected, records, false);
    assert.equal(groupState(selected, records), 'none');
    assert.deepEqual(selected, ['clients:read']);
    assert.deepEqual(toggleScope(toggleScope([], 'a:read', true), 'a:read', true), ['a:read'], 'no duplicates');
  });

  it('summarizes scopes for the key list', () => {
    assert.equal(summarizeScopes(['*']), 'All scopes');
    assert.equal(summarizeScopes(['customers:read']), 'customers:read');
    assert.equal(summarizeScopes(['customers:read', 'leads:read', 'leads:write']), 'customers:read +2 more');
  });
});

describe('dashboard: quick start curl', () => {
  it('builds a ready-to-paste command with the full key, for a path the key may read', () => {
    const cmd = buildCurl({ origin: 'http://localhost:3000/', environment: 'test', scopes: ['customers:read'], key: 'motors_sk_test_abc' });
    assert.equal(cmd, "curl -sS -H 'X-API-Key: motors_sk_test_abc' \\\n  'http://localhost:3000/api/public/v1/customers?limit=2'");
    assert.equal(samplePath(['clients:read']), '/crm-api/v1/clients');
    assert.equal(samplePath(['*']), '/api/public/v1/customers?limit=2');
  });

  it('reads the key from $MOTORS_API_KEY when only its prefix is known', () => {
    const cmd = buildCurl({ origin: 'https://crm.example', environment: 'live', scopes: ['*'] });
    assert.match(cmd, /^export MOTORS_API_KEY='motors_sk_live_…'/);
    assert.match(cmd, /-H "X-API-Key: \$MOTORS_API_KEY"/);
    assert.match(cmd, /'https:\/\/crm\.example\/api\/public\/v1\/customers\?limit=2'$/);
  });

  it('quotes anything for the shell', () => {
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
  });
});

describe('dashboard: formatting and chart data', () => {
  const now = Date.parse('2026-11-22T14:30:00Z');

  it('fills every hour of the last days, oldest first, keeping the counts it got', () => {
    const series = fillHours(
      [
        { hour: '2026-11-22T13:00:00Z', requests: 4, errors: 1 },
        { hour: '2026-11-15T15:00:00Z', requests: 2, errors: 0 },
      ],
      7,
      now,
    );
    assert.equal(series.length, 168);
    assert.equal(series[167].hour, '2026-11-22T14:00:00.000Z');
    assert.deepEqual(series[166], { hour: '2026-11-22T13:00:00.000Z', requests: 4, errors: 1 });
    assert.equal(series[0].hour, '2026-11-15T15:00:00.000Z');
    assert.equal(series[0].requests, 2);
    assert.deepEqual(totals(series), { requests: 6, errors: 1, errorRate: 1 / 6 });
    assert.deepEqual(totals([]), { requests: 0, errors: 0, errorRate: 0 });
  });

  it('tells key status, relative times and masked keys', () => {
    assert.equal(keyStatus({ revokedAt: '2026-11-01T00:00:00Z', expiresAt: null }, now), 'revoked');
    assert.equal(keyStatus({ revokedAt: null, expiresAt: '2026-11-01T00:00:00Z' }, now), 'expired');
    assert.equal(keyStatus({ revokedAt: null, expiresAt: '2026-12-01T00:00:00Z' }, now), 'expiring');
    assert.equal(keyStatus({ revokedAt: null, expiresAt: null }, now), 'active');
    assert.equal(relativeTime(null, now), 'Never');
    assert.equal(relativeTime('2026-11-22T14:29:50Z', now), 'just now');
    assert.equal(relativeTime('2026-11-22T14:25:00Z', now), '5 min ago');
    assert.equal(relativeTime('2026-11-24T14:30:00Z', now), 'in 2 days');
    assert.equal(maskKey({ prefix: 'motors_sk_test_AbC', last4: 'x9Z1' }), 'motors_sk_test_AbC…x9Z1');
  });

  it('turns the expiry choice into a timestamp', () => {
    assert.equal(expiryFrom('never', '', now), null);
    assert.equal(expiryFrom('30', '', now), '2026-12-22T14:30:00.000Z');
    assert.equal(expiryFrom('custom', '', now), null);
    assert.ok(expiryFrom('custom', '2027-01-31', now)!.startsWith('2027-01-'));
  });
});

// Second slice: money, record lifecycles and edits, webhook events.
import { formatMoney, minorDigits, parseMoney, toMajorInput } from '../web/src/lib/money.ts';
import { changedFields, collectionOf, getPath, matchesSearch, recordTitle, setPath, slugOf, statusActions, toInput, transitions } from '../web/src/lib/records.ts';
import { listingPrice } from '../web/src/lib/record-config.ts';
import { compactEvents, endpointState, eventMatches, expandEvents, groupEvents, isoToLocal, localToIso, summarizeEvents } from '../web/src/lib/webhooks.ts';
import { invoiceLifecycle } from '../src/core/invoices.ts';
import { workOrderLifecycle } from '../src/core/work-orders.ts';
import { quoteLifecycle } from '../src/core/quotes.ts';
import { purchaseOrderLifecycle } from '../src/core/purchase-orders.ts';
import { marketplaceOrderLifecycle } from '../src/core/marketplace-orders.ts';
import { leadTransitions } from '../src/core/leads.ts';
import { eventCatalogue } from '../src/core/webhooks.ts';

describe('dashboard: money from minor units', () => {
  it('formats with the currency’s own decimals', () => {
    assert.equal(formatMoney(1999, 'USD', 'en-US'), '$19.99');
    assert.equal(formatMoney(-250, 'GBP', 'en-GB'), '-£2.50');
    assert.equal(formatMoney(500, 'JPY', 'en-US'), '¥500');
    assert.equal(formatMoney(1234567, 'EUR', 'de-DE').replace(/\s/g, ' '), '12.345,67 €');
    assert.equal(formatMoney(1000, 'BHD', 'en-US').replace(/\s/g, ' '), 'BHD 1.000');
    assert.equal(formatMoney(null, 'USD'), '—');
    assert.deepEqual([minorDigits('USD'), minorDigits('JPY'), minorDigits('BHD'), minorDigits('nope')], [2, 0, 3, 2]);
  });

  it('reads typed amounts exactly, and says when it is not an amount', () => {
    assert.equal(parseMoney('19.99', 'USD'), 1999);
    assert.equal(parseMoney('20,999.5', 'USD'), 2099950);
    assert.equal(parseMoney('0.1', 'USD'), 10);
    assert.equal(parseMoney('1.005', 'USD'), undefined, 'more decimals than the currency has');
    assert.equal(parseMoney('12.5', 'JPY'), undefined);
    assert.equal(parseMoney('-3', 'EUR'), -300);
    assert.equal(parseMoney('', 'USD'), null);
    assert.equal(parseMoney('abc', 'USD'), undefined);
    assert.equal(parseMoney('.', 'USD'), undefined);
    assert.equal(toMajorInput(1999, 'USD'), '19.99');
    assert.equal(toMajorInput(5, 'USD'), '0.05');
    assert.equal(toMajorInput(-5, 'USD'), '-0.05');
    assert.equal(toMajorInput(500, 'JPY'), '500');
    for (const n of [0, 1, 99, 100, 123456789]) assert.equal(parseMoney(toMajorInput(n, 'USD'), 'USD'), n);
  });

  it('shows a vehicle’s price from the options of its listing type', () => {
    assert.equal(listingPrice({ id: 'm', listingType: 'sale', saleOptions: { priceAmount: 2150000, currency: 'USD' } }).replace(/\s/g, ' '), formatMoney(2150000, 'USD'));
    assert.match(listingPrice({ id: 'm', listingType: 'rental', rentalOptions: { dailyRateAmount: 6500, currency: 'USD' } }), /65\.00 \/ day$/);
    assert.match(listingPrice({ id: 'm', listingType: 'auction', auctionOptions: { startingBidAmount: 100, currency: 'USD' } }), /^from .*1\.00/);
    assert.equal(listingPrice({ id: 'm', listingType: null }), '—');
  });
});

describe('dashboard: record status buttons', () => {
  it('mirror the lifecycles the server enforces', () => {
    const server: Record<string, Record<string, readonly string[]>> = {
      invoices: invoiceLifecycle.next,
      workOrders: workOrderLifecycle.next,
      quotes: quoteLifecycle.next,
      purchaseOrders: purchaseOrderLifecycle.next,
      marketplaceOrders: marketplaceOrderLifecycle.next,
      leads: leadTransitions,
    };
    for (const [collection, next] of Object.entries(server)) assert.deepEqual(transitions[collection], next, collection);
  });

  it('offers one button per allowed move, confirming the final ones', () => {
    assert.deepEqual(
      statusActions('invoices', 'draft').map((a) => [a.label, a.danger, a.final]),
      [
        ['Mark as sent', false, false],
        ['Void', true, true],
      ],
    );
    assert.deepEqual(
      statusActions('invoices', 'sent').map((a) => a.label),
      ['Mark as paid', 'Void'],
    );
    assert.deepEqual(statusActions('invoices', 'paid'), []);
    assert.deepEqual(
      statusActions('workOrders', 'completed').map((a) => a.label),
      ['Create invoice', 'Reopen'],
    );
    assert.deepEqual(
      statusActions('leads', 'new').map((a) => a.to),
      ['contacted', 'qualified', 'lost'],
    );
    assert.deepEqual(statusActions('customers', 'x'), []);
    assert.deepEqual(statusActions('invoices', undefined), []);
  });
});

describe('dashboard: record helpers', () => {
  it('names any record', () => {
    assert.equal(recordTitle({ id: '1', displayName: 'Amelia Hart' }), 'Amelia Hart');
    assert.equal(recordTitle({ id: '1', number: 'INV-000001' }), 'INV-000001');
    assert.equal(recordTitle({ id: '1', firstName: 'Dana', lastName: null }), 'Dana');
    assert.equal(recordTitle({ id: '1', vehicleOfInterest: { year: 2022, make: 'Honda', model: 'CR-V' } }), '2022 Honda CR-V');
    assert.equal(recordTitle({ id: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11' }), '#8d9e0a11');
  });

  it('searches every word anywhere in the record', () => {
    const r = { id: '1', displayName: 'Amelia Hart', email: 'amelia@example.com', address: { city: 'Leeds' } };
    assert.ok(matchesSearch(r, 'hart leeds'));
    assert.ok(matchesSearch(r, '  '));
    assert.ok(!matchesSearch(r, 'hart york'));
  });

  it('turns a record into an update body and sends only what changed', () => {
    const invoice = {
      id: 'i',
      number: 'INV-1',
      status: 'draft',
      currency: 'GBP',
      subtotalAmount: 100,
      taxAmount: 20,
      totalAmount: 120,
      notes: null,
      lines: [{ id: 'l1', kind: 'part', description: 'Filter', quantity: 1, unitAmount: 100, taxRate: 20, inventoryItemId: null, subtotalAmount: 100, taxAmount: 20, totalAmount: 120 }],
      createdAt: 'x',
      updatedAt: 'y',
    };
    const input = toInput(invoice);
    assert.deepEqual(input, { status: 'draft', currency: 'GBP', notes: null, lines: [{ kind: 'part', description: 'Filter', quantity: 1, unitAmount: 100, taxRate: 20, inventoryItemId: null }] });
    assert.deepEqual(changedFields(input, { ...input, notes: 'Thanks' }), { notes: 'Thanks' });
    assert.deepEqual(changedFields(input, { status: 'draft', currency: 'GBP', lines: input.lines }), { notes: null }, 'a removed field is cleared');
    const wo = toInput({ id: 'w', jobs: [{ id: 'j', title: 'Brakes', totalAmount: 5, lines: [{ id: 'l', quantity: 1, totalAmount: 5 }] }] });
    assert.deepEqual(wo, { jobs: [{ title: 'Brakes', lines: [{ quantity: 1 }] }] });
  });

  it('reads and writes nested fields without touching the original', () => {
    const motor = { listingType: 'sale', saleOptions: null as null | Record<string, unknown> };
    const next = setPath(motor, 'saleOptions.priceAmount', 100);
    assert.deepEqual(next, { listingType: 'sale', saleOptions: { priceAmount: 100 } });
    assert.equal(motor.saleOptions, null);
    assert.equal(getPath(next, 'saleOptions.priceAmount'), 100);
    assert.equal(getPath(next, 'rentalOptions.dailyRateAmount'), undefined);
  });

  it('maps friendly addresses to collections and back', () => {
    assert.equal(collectionOf('vehicles'), 'motors');
    assert.equal(collectionOf('work-orders'), 'workOrders');
    assert.equal(collectionOf('purchaseOrders'), 'purchaseOrders');
    assert.equal(slugOf('motors'), 'vehicles');
    assert.equal(slugOf('vendors'), 'vendors');
  });
});

describe('dashboard: webhook events and states', () => {
  it('groups the real catalogue by record type and compacts whole groups', () => {
    const groups = groupEvents(eventCatalogue);
    assert.equal(groups[0].label, 'Customers');
    assert.deepEqual(groups[0].events, ['crm.customers.created', 'crm.customers.updated', 'crm.customers.deleted']);
    assert.equal(groups.find((g) => g.key === 'workOrders')!.label, 'Work orders');
    assert.ok(groups.find((g) => g.key === 'invoices')!.events.includes('crm.invoices.status_changed'));
    assert.equal(groups.at(-1)!.key, 'other');
    assert.deepEqual(compactEvents([...groups[0].events, 'webhook.test'], eventCatalogue), ['crm.customers.*', 'webhook.test']);
    assert.deepEqual(compactEvents(['crm.leads.created'], eventCatalogue), ['crm.leads.created']);
    assert.deepEqual(compactEvents([...eventCatalogue], eventCatalogue), ['*']);
    assert.deepEqual(expandEvents(['crm.customers.*'], eventCatalogue), groups[0].events);
    assert.equal(expandEvents(['*'], eventCatalogue).length, eventCatalogue.length);
    assert.ok(eventMatches('crm.invoices.*', 'crm.invoices.status_changed'));
    assert.ok(!eventMatches('crm.invoices.*', 'crm.invoicesX.created'));
    assert.equal(summarizeEvents(['*']), 'All events');
    assert.equal(summarizeEvents(['a', 'b', 'c']), 'a, b +1 more');
  });

  it('says why an endpoint is disabled', () => {
    const auto = endpointState({
      enabled: false,
      disabled_reason: 'Disabled automatically on 2026-01-20T10:00:00.000Z: no successful delivery since 2026-01-15T10:00:00.000Z (5 days).',
      failing_since: '2026-01-15T10:00:00.000Z',
    });
    assert.equal(auto.label, 'Disabled after 5 days of failures');
    assert.match(auto.detail, /no successful delivery/);
    assert.ok(!auto.detail.includes('T10:00:00.000Z'), 'instants are localised');
    assert.equal(endpointState({ enabled: false, disabled_reason: null, failing_since: null }).label, 'Disabled');
    assert.equal(endpointState({ enabled: true, disabled_reason: null, failing_since: '2026-01-15T10:00:00.000Z' }).label, 'Failing');
    assert.equal(endpointState({ enabled: true, disabled_reason: null, failing_since: null }).label, 'Enabled');
  });

  it('converts the recover-since input in the user’s time zone', () => {
    const iso = '2026-03-01T09:30:00.000Z';
    assert.equal(localToIso(isoToLocal(iso)), iso);
    assert.equal(localToIso(''), null);
    assert.equal(localToIso('not a date'), null);
  });
});

describe('dashboard: a scope shared by several APIs says what else it opens', () => {
  it('lists the operations on the other APIs, grouped by API', () => {
    const ops = {
      'customers:write': [
        { surface: 'records', method: 'POST', path: '/api/public/v1/customers', summary: '' },
        { surface: 'storefront', method: 'PATCH', path: '/external/customers/{id}', summary: '' },
        { surface: 'crm', method: 'POST', path: '/crm-api/v1/clients', summary: '' },
      ],
    };
    assert.deepEqual(
      elsewhere(ops, 'customers:write', 'storefront').map((o) => o.surface),
      ['records', 'crm'],
    );
    assert.equal(describeElsewhere(elsewhere(ops, 'customers:write', 'storefront')), 'Records API: POST /api/public/v1/customers; CRM API: POST /crm-api/v1/clients');
    assert.deepEqual(elsewhere(ops, 'blogs:read', 'storefront'), []);
    assert.deepEqual(elsewhere(undefined, 'customers:write', 'records'), []);
  });
});
