import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildCurl, samplePath, shellQuote } from '../web/src/lib/curl.ts';
import { groupScopes, groupState, humanize, summarizeScopes, toggleGroup, toggleScope } from '../web/src/lib/scopes.ts';
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
    const series = fillHours([{ hour: '2026-11-22T13:00:00Z', requests: 4, errors: 1 }, { hour: '2026-11-15T15:00:00Z', requests: 2, errors: 0 }], 7, now);
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
