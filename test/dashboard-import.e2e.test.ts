import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import { openBrowser, signInAt, skipWithoutChromium, type Browser } from './browser.ts';
import { startServer, type TestServer } from './helpers.ts';
import { createDemoTenant, DEMO_EMAIL, DEMO_PASSWORD } from '../src/core/demo.ts';

// Tools › Import CSV in Debian's chromium: a customers file with one bad row is checked (every
// row, nothing written), a column is mapped by hand, the rejected row's report is downloaded and
// read back, and the import writes the two valid rows.
describe('importing customers from a CSV in a real browser', { skip: skipWithoutChromium }, () => {
  const open: { server?: TestServer; browser?: Browser } = {};
  let page: Page;
  before(async () => {
    open.server = await startServer();
    await createDemoTenant(open.server.app.database.db);
    open.browser = await openBrowser({ locale: 'en-US' });
    page = open.browser.page;
  });
  after(async () => {
    await open.browser?.close();
    await open.server?.close();
  });

  const csv = [
    'First name,Surname,E-mail,Remarks',
    'Imogen,Castellanos,imogen.castellanos@example.com,Prefers SMS',
    'Tobias,Lindqvist,tobias.lindqvist@example.com,',
    'Wren,Okafor,wren-at-example.com,Called twice',
  ].join('\n');

  const customers = async (q: string) =>
    page.evaluate(async (term) => (await (await fetch(`/manage/v1/records/customers?q=${encodeURIComponent(term)}`, { headers: { 'x-motors-environment': 'test' } })).json()).data, q);

  it('checks every row, lists the rejected one, downloads its report and imports the valid rows', async () => {
    await signInAt(page, `${open.server!.url}/dashboard/records/customers`, DEMO_EMAIL, DEMO_PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import CSV' }).click();
    await page.getByRole('heading', { name: 'Import CSV', exact: true }).waitFor();

    await page.getByLabel('CSV file').setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByTestId('import-summary').getByText('2 rows valid, 1 rejected (of 3).').waitFor();
    assert.equal(await page.getByLabel('Field for column E-mail').inputValue(), 'email', 'mapped from the header');
    assert.equal(await page.getByLabel('Field for column Remarks').inputValue(), '', 'an unknown header is ignored');
    const rejected = page.getByRole('table', { name: 'Rejected rows' });
    assert.deepEqual(await rejected.locator('tbody tr td').allTextContents(), ['4', 'Email', 'must be an email address']);
    assert.equal((await customers('castellanos')).length, 0, 'the check wrote nothing');

    await page.getByLabel('Field for column Remarks').selectOption('notes');
    await page.getByRole('table', { name: 'Column mapping' }).getByText('Prefers SMS').waitFor();
    await open.browser!.shot('import-preview');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download rejected rows (CSV)' }).click()]);
    assert.equal(download.suggestedFilename(), 'customers.rejected.csv');
    const report = parse(fs.readFileSync(await download.path(), 'utf8')) as string[][];
    assert.deepEqual(report, [
      ['First name', 'Surname', 'E-mail', 'Remarks', 'error'],
      ['Wren', 'Okafor', 'wren-at-example.com', 'Called twice', 'Row 4: Email: must be an email address'],
    ]);

    await page.getByRole('button', { name: 'Import 2 rows' }).click();
    await page.getByTestId('import-result').getByText('2 created, 0 updated, 0 unchanged, 1 rejected.').waitFor();
    await open.browser!.shot('import-result');
    const [imogen] = await customers('castellanos');
    assert.equal(imogen.email, 'imogen.castellanos@example.com');
    assert.equal(imogen.notes, 'Prefers SMS');
  });
});
