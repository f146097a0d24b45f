import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openBrowser, signInAt, skipWithoutChromium, type Browser } from './browser.ts';
import { startServer, type TestServer } from './helpers.ts';
import { createDemoTenant, DEMO_EMAIL, DEMO_PASSWORD } from '../src/core/demo.ts';

// Staff accounts in Debian's chromium: the demo owner invites a member on Settings › Team, signs
// out, and the invited person opens the link, creates the account and is signed in as a member;
// the link then no longer works. A signed-out person can ask for a password reset.
describe('inviting a member in a real browser', { skip: skipWithoutChromium }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    server = await startServer();
    await createDemoTenant(server.app.database.db);
    browser = await openBrowser({ locale: 'en-US' });
    page = browser.page;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('an invited member opens the link, chooses a password and lands signed in as a member', async () => {
    await signInAt(page, `${server.url}/dashboard/settings/team`, DEMO_EMAIL, DEMO_PASSWORD);
    await page.getByRole('heading', { name: 'Team', exact: true }).waitFor();
    await page.getByRole('table', { name: 'Staff users' }).getByText(DEMO_EMAIL).waitFor();

    await page.getByLabel('Their email').fill('sam.rivera@dealer.example');
    await page.getByLabel('Role').selectOption('member');
    await page.getByRole('button', { name: 'Create invitation link' }).click();
    const url = (await page.getByTestId('invite-url').textContent())!;
    assert.match(url, /\/dashboard\/invite\/msl_[A-Za-z0-9_-]{43}$/);
    await page.getByRole('table', { name: 'Invitations' }).getByText('sam.rivera@dealer.example').waitFor();
    await browser.shot('team');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.goto(url);
    await page.getByRole('heading', { name: /^Join / }).waitFor();
    await page.getByText('sam.rivera@dealer.example').waitFor();
    await page.getByLabel('Your name').fill('Sam Rivera');
    await page.getByLabel('New password', { exact: true }).fill('sam-has-a-long-password');
    await page.getByLabel('Repeat the new password').fill('sam-has-a-long-password');
    await browser.shot('invite-accept');
    await page.getByRole('button', { name: 'Create account and sign in' }).click();
    await page.getByText('Sam Rivera').first().waitFor();
    assert.equal(await page.locator('.user .role').textContent(), 'member');

    // A member sees the people but cannot invite.
    await page.goto(`${server.url}/dashboard/settings/team`);
    await page.getByRole('table', { name: 'Staff users' }).getByText('sam.rivera@dealer.example').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create invitation link' }).count(), 0);

    // The link worked once.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.goto(url);
    await page.getByRole('heading', { name: "This invitation can't be used" }).waitFor();
  });

  it('a signed-out person asks for a password reset from the sign-in page', async () => {
    await page.goto(`${server.url}/dashboard`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await page.getByLabel('Email').fill('sam.rivera@dealer.example');
    await page.getByRole('button', { name: 'Send me a reset link' }).click();
    // This test server has no mail relay: the page says who can give a link instead.
    await page.getByText(/sends no mail/).waitFor();
    await browser.shot('password-reset-request');
  });
});
