import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openBrowser, signInAt, skipWithoutChromium, type Browser } from './browser.ts';
import { startServer, type TestServer } from './helpers.ts';
import { createDemoTenant, DEMO_EMAIL, DEMO_PASSWORD } from '../src/core/demo.ts';

// Details that matter, in Debian's chromium on the demo dealership: its vehicle photos come from
// this server, mileage reads with separators and its unit, a refused save names the field in
// words beside the field, and at phone size the line editor's labels stay whole words.
describe('dashboard details in a real browser', { skip: skipWithoutChromium }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    server = await startServer();
    await createDemoTenant(server.app.database.db, { publicUrl: server.url });
    browser = await openBrowser({ locale: 'en-US' });
    page = browser.page;
    await signInAt(page, `${server.url}/dashboard/records/motors`, DEMO_EMAIL, DEMO_PASSWORD);
    await page.getByRole('heading', { name: 'Vehicles', exact: true }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows a demo vehicle’s photos from this server and its mileage by locale', async () => {
    type Motor = { id: string; mileage: number | null; mileageUnit: string; media: { url: string }[] };
    const motors: Motor[] = await page.evaluate(async () => (await (await fetch('/manage/v1/records/motors?limit=100', { headers: { 'x-motors-environment': 'test' } })).json()).data);
    const car = motors.find((m) => m.media.length > 0 && (m.mileage ?? 0) >= 1000)!;
    assert.ok(car, 'a listed demo vehicle with photos and some miles');
    await page.goto(`${server.url}/dashboard/records/motors/${car.id}`);
    await page.locator('dd', { hasText: new RegExp(`^${car.mileage!.toLocaleString('en-US')} mi$`) }).waitFor();
    await page.locator('.photo-grid img').first().waitFor();
    await page.waitForFunction(() => {
      const imgs = [...document.querySelectorAll<HTMLImageElement>('.photo-grid img')];
      return imgs.length > 0 && imgs.every((img) => img.complete && img.naturalWidth > 0);
    });
    const sources = await page.locator('.photo-grid img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src));
    for (const src of sources) assert.ok(src.startsWith(`${server.url}/demo-photos/`), src);
    await browser.shot('demo-vehicle-photos');
  });

  it('names the field in words when a save is refused, beside the field too', async () => {
    await page.goto(`${server.url}/dashboard/records/invoices`);
    await page.getByRole('button', { name: '+ New invoice' }).click();
    const form = page.getByRole('dialog', { name: 'New invoice' });
    await form.locator('#f-customerId').fill('amelia');
    await form.getByRole('option', { name: /Amelia Hart/ }).click();
    await form.getByRole('button', { name: '+ Add line' }).click();
    // The new line's description is left empty: the server refuses it.
    await form.getByRole('button', { name: 'Create' }).click();
    await form.getByTestId('form-error').getByText('Line 1 description: enter at least 1 character').waitFor();
    assert.doesNotMatch((await form.getByTestId('form-error').textContent())!, /body\.|lines\.0/);
    const description = form.getByLabel('Line 1 description');
    assert.equal(await description.getAttribute('aria-invalid'), 'true');
    const describedBy = (await description.getAttribute('aria-describedby'))!;
    assert.equal((await form.locator(`[id="${describedBy}"]`).textContent())!.trim(), 'enter at least 1 character');
    await browser.shot('form-error-in-words');

    // At phone size each label of the line editor is one line of whole words, above its input.
    await page.setViewportSize({ width: 390, height: 844 });
    const labels = await form.locator('.lines-edit tbody td[data-label]').evaluateAll((cells) =>
      cells.map((td) => {
        const before = getComputedStyle(td, '::before');
        const fontSize = parseFloat(before.fontSize);
        const lineHeight = before.lineHeight === 'normal' ? fontSize * 1.2 : parseFloat(before.lineHeight);
        // The label's box: its computed height, or else the space above the cell's first input.
        const cell = getComputedStyle(td);
        const input = td.firstElementChild!.getBoundingClientRect();
        const above = input.top - td.getBoundingClientRect().top - parseFloat(cell.paddingTop) - (parseFloat(cell.rowGap) || 0);
        const height = before.height.endsWith('px') ? parseFloat(before.height) : above;
        return { label: td.getAttribute('data-label'), height, lineHeight };
      }),
    );
    assert.deepEqual(
      labels.map((l) => l.label),
      ['Kind', 'Description', 'Qty', 'Unit price', 'Tax %'],
    );
    for (const l of labels) assert.ok(l.height > 0 && l.height <= 1.5 * l.lineHeight, `"${l.label}" is ${l.height}px high at a ${l.lineHeight}px line height`);
    const widths = await form.locator('.lines-edit tbody td[data-label="Description"]').evaluate((td) => [td.getBoundingClientRect().width, td.querySelector('input')!.getBoundingClientRect().width]);
    assert.ok(widths[1] >= widths[0] - 8, `the description input fills its line (${widths[1]} of ${widths[0]} px)`);
    await browser.shot('invoice-lines-phone');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('marks a record picker invalid when the server refuses its reference, like any other field', async () => {
    await page.goto(`${server.url}/dashboard/records/invoices`);
    await page.getByRole('button', { name: '+ New invoice' }).click();
    const form = page.getByRole('dialog', { name: 'New invoice' });
    await form.getByRole('button', { name: '+ Add line' }).click();
    await form.getByLabel('Line 1 description').fill('Oil change');
    // No customer chosen: the server refuses the invoice and names the customer.
    await form.getByRole('button', { name: 'Create' }).click();
    await form.getByTestId('form-error').waitFor();
    const picker = form.getByRole('combobox', { name: /Customer/ });
    await picker.and(page.locator('[aria-invalid="true"]')).waitFor();
    const describedBy = (await picker.getAttribute('aria-describedby'))!;
    assert.ok(describedBy, 'the picker points at its message');
    assert.match((await form.locator(`[id="${describedBy}"]`).textContent())!, /\S/);
  });
});
