import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { openBrowser, skipWithoutChromium, type Browser } from './browser.ts';
import { startServer, client, type TestServer } from './helpers.ts';
import { createTenant, createUser } from '../src/core/tenants.ts';

// The dashboard end to end in Debian's chromium: sign in → create a key → call the API with it →
// see the request in the log → revoke the key → the API refuses it.
const skip = skipWithoutChromium;

describe('dashboard in a real browser', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    server = await startServer();
    browser = await openBrowser();
    ({ context, page } = browser);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const shot = (name: string) => browser.shot(name);

  it('signs in, creates a key, sees its request in the log, revokes it and the API refuses it', async () => {
    const tenant = await createTenant(server.app.database.db, { name: 'Northside Motors' });
    const email = `owner.${crypto.randomBytes(4).toString('hex')}@northside.example`;
    await createUser(server.app.database.db, { tenantId: tenant.id, email, name: 'Olivia Owner', role: 'owner', password: 'correct-horse-battery' });

    // A wrong password says what to do; the right one opens the page asked for (here the keys page;
    // /dashboard itself lands on Today, test/dashboard-today.e2e.test.ts).
    await page.goto(`${server.url}/dashboard/integrations/keys`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password' }).waitFor();
    await shot('sign-in-error');
    await page.getByLabel('Password').fill('correct-horse-battery');
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('heading', { name: 'API keys', exact: true }).waitFor();
    await page.getByText('No API keys yet').waitFor();
    assert.match(page.url(), /\/dashboard\/integrations\/keys$/);
    await shot('keys-empty');

    // Create a test key with one scope from the checklist.
    await page.getByRole('button', { name: '+ Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create an API key' });
    await dialog.getByLabel('Name').fill('Website inventory');
    await dialog.locator('details.scope-group[open] input[value="customers:read"]').check();
    await shot('key-create');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const reveal = page.getByTestId('new-key');
    await reveal.waitFor();
    const key = (await reveal.textContent())!.trim();
    assert.match(key, /^motors_sk_test_/);
    await page.getByText("Copy this key now — you won't see it again.").waitFor();
    await shot('key-created');
    await page.getByRole('button', { name: "I've saved the key" }).click();
    const row = page.locator('tr', { hasText: 'Website inventory' });
    await row.getByText('customers:read').waitFor();
    assert.ok(!(await page.content()).includes(key), 'the full key is gone once acknowledged');

    // The test's own integration calls the API with the key…
    const api = client(server.url, { 'x-api-key': key });
    const first = await api('GET', '/api/public/v1/customers', undefined, { 'x-request-id': 'e2e-first-request' });
    assert.equal(first.status, 200, first.text);
    const denied = await api('GET', '/crm-api/v1/clients', undefined, { 'x-request-id': 'e2e-denied-request' });
    assert.equal(denied.status, 403);

    // …and the request log shows both, filterable by result.
    await page.getByRole('link', { name: 'Request log' }).click();
    const logged = page.locator('tr[data-request-id="e2e-first-request"]');
    await logged.waitFor();
    assert.match((await logged.textContent())!, /GET\s*\/api\/public\/v1\/customers.*200/);
    await page.getByText('2 requests', { exact: false }).first().waitFor();
    await shot('request-log');
    await page.getByLabel('Result').selectOption('error');
    await page.locator('tr[data-request-id="e2e-first-request"]').waitFor({ state: 'detached' });
    await page.locator('tr[data-request-id="e2e-denied-request"]').waitFor();

    // Quick start: a curl against this server for the key's environment.
    await page.getByRole('link', { name: 'Quick start' }).click();
    const code = page.locator('pre code');
    await code.waitFor();
    assert.ok((await code.textContent())!.includes(`${server.url}/api/public/v1/customers`));
    await shot('quick-start');

    // The live switch paints the page so nobody mistakes live for test.
    await page.getByTestId('env-live').click();
    await page.getByText('LIVE DATA').waitFor();
    await page.getByText('No active live key').waitFor();
    await shot('quick-start-live');
    await page.getByTestId('env-live').press('ArrowLeft');
    await page.getByText('Test data', { exact: false }).first().waitFor();

    // Rotate with a chosen overlap: the replacement is shown once, the old key keeps working meanwhile.
    await page.getByRole('link', { name: 'API keys', exact: true }).click();
    await page.getByRole('button', { name: 'Rotate Website inventory' }).click();
    const rotate = page.getByRole('dialog', { name: 'Rotate this key' });
    await rotate.getByLabel('Old key keeps working for').selectOption('1');
    await rotate.getByRole('button', { name: 'Rotate key' }).click();
    const replacement = (await page.getByTestId('new-key').textContent())!.trim();
    assert.notEqual(replacement, key);
    await page.getByRole('button', { name: "I've saved the key" }).click();
    assert.equal((await client(server.url, { 'x-api-key': replacement })('GET', '/api/public/v1/customers')).status, 200);
    assert.equal((await api('GET', '/api/public/v1/customers')).status, 200, 'the old key works during the overlap');
    // The old key says it is on its way out, and is told apart from its replacement by name too.
    await page.getByText(/^Rotating out, expires in (60 min|1 h)$/).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Revoke Website inventory', exact: true }).count(), 1);
    assert.equal(await page.getByRole('button', { name: /^Rotate Website inventory/ }).count(), 1, 'only the replacement offers Rotate');
    await page.getByRole('link', { name: 'Quick start' }).click();
    const picked = page.locator('select[name="quickstart-key"]');
    await picked.waitFor();
    assert.doesNotMatch(String(await picked.locator('option:checked').textContent()), /rotating out/, 'the replacement is pre-selected');
    await page.getByRole('link', { name: 'API keys', exact: true }).click();
    await shot('keys-list');

    // Revoke with confirmation; the API refuses the key within a second.
    await page.getByRole('button', { name: 'Revoke Website inventory (rotating out)' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke this key?' });
    await confirm.getByText('401 Unauthorized').waitFor();
    await shot('key-revoke-confirm');
    await confirm.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByRole('button', { name: 'Revoke Website inventory (rotating out)' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Revoke Website inventory', exact: true }).click();
    await page.getByRole('dialog', { name: 'Revoke this key?' }).getByRole('button', { name: 'Revoke key' }).click();
    await page.getByRole('button', { name: 'Revoke Website inventory', exact: true }).waitFor({ state: 'detached' });
    await page.getByText('No active keys').waitFor();
    await page.getByLabel(/Show revoked keys/).check();
    const revoked = page.locator('tr', { hasText: 'Website inventory' }).getByText('Revoked');
    await revoked.nth(1).waitFor();
    assert.equal(await revoked.count(), 2);
    await new Promise((r) => setTimeout(r, 1100));
    const refused = await api('GET', '/api/public/v1/customers');
    assert.equal(refused.status, 401, refused.text);
    assert.equal((await client(server.url, { 'x-api-key': replacement })('GET', '/api/public/v1/customers')).status, 401);

    // Phone width: the sidebar folds into a menu.
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('keys-phone');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Account & password' }).click();
    await page.getByRole('heading', { name: 'Change password' }).waitFor();
    await shot('account-phone');
    await page.setViewportSize({ width: 1280, height: 860 });

    // Password change signs out everywhere; the new password signs back in.
    await page.getByLabel('Current password').fill('correct-horse-battery');
    await page.getByLabel('New password', { exact: true }).fill('a-brand-new-secret');
    await page.getByLabel('Repeat the new password').fill('a-brand-new-secret');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed. Sign in with your new password.').waitFor();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('a-brand-new-secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });

  it('shows members the log but not key management', async () => {
    const tenant = await createTenant(server.app.database.db, { name: 'Member Motors' });
    const email = `member.${crypto.randomBytes(4).toString('hex')}@member.example`;
    await createUser(server.app.database.db, { tenantId: tenant.id, email, name: 'Max Member', role: 'member', password: 'correct-horse-battery' });
    await context.clearCookies();
    await page.goto(`${server.url}/dashboard/integrations/keys`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Only owners and admins manage API keys').waitFor();
    assert.equal(await page.getByRole('button', { name: '+ Create key' }).count(), 0);
    await page.getByRole('link', { name: 'Request log' }).click();
    await page.getByText('No test requests yet').waitFor();
    await shot('request-log-empty');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });
});
