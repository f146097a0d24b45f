import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { client, type JsonBody } from './helpers.ts';

// The ADF corpus (test/fixtures/adf): each document with the leads it must make, written by hand
// in the style of each provider. Shared by the HTTP (adf.test.ts) and SMTP (adf-smtp.test.ts) runs.

export type ExpectedLead = {
  contactName?: string | null;
  contactEmail?: string | null;
  contactPhone?: string | null;
  interest?: string | null;
  vehicleOfInterest?: Record<string, unknown> | null;
  externalSource?: string;
  externalId?: string;
  provider?: string | null;
  /** 'existing': the customer made in seedTenant; 'new': a customer made from the lead; null: none. */
  customer?: 'existing' | 'new' | null;
  motor?: boolean;
  tradeIns?: number;
  vehicles?: number;
  messageIncludes?: string;
};
export type Fixture = {
  name: string;
  file: string;
  bytes: Buffer;
  expected: { leads: ExpectedLead[]; warnings: string[]; isAdf: boolean; smtp: 'text' | 'attachment' | 'html'; contentType: string; duplicateOf?: string };
};

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/adf');

export const fixtures: Fixture[] = fs
  .readdirSync(dir)
  .filter((f) => !f.endsWith('.expected.json'))
  .sort()
  .map((file) => {
    const name = file.replace(/\.[a-z]+$/, '');
    return { name, file, bytes: fs.readFileSync(path.join(dir, file)), expected: JSON.parse(fs.readFileSync(path.join(dir, `${name}.expected.json`), 'utf8')) };
  });

export const MOTOR_VIN = '1HGCM82633A004352';

/** The records the corpus refers to: a customer matched by email, one by phone, a motor by VIN and stock. */
export async function seedTenant(base: string, key: string) {
  const api = client(base, { 'x-api-key': key });
  const byEmail = await api('POST', '/api/public/v1/customers', { firstName: 'Existing', lastName: 'Customer', email: 'existing.customer@example.com' });
  assert.equal(byEmail.status, 201, byEmail.text);
  const byPhone = await api('POST', '/api/public/v1/customers', { firstName: 'Pat', lastName: 'Existing', phone: '(555) 201-0001' });
  assert.equal(byPhone.status, 201, byPhone.text);
  const motor = await api('POST', '/api/public/v1/motors', { make: 'Honda', model: 'CR-V', year: 2021, vin: MOTOR_VIN, stockNumber: 'STK-4471' });
  assert.equal(motor.status, 201, motor.text);
  return { existing: new Set([byEmail.body.data.id, byPhone.body.data.id]), motorId: motor.body.data.id as string };
}

/** Checks the leads a fixture made against its expectations. */
export function assertLeads(f: Fixture, leads: JsonBody[], seeded: { existing: Set<string>; motorId: string }, warnings?: string[]) {
  const label = `${f.name}: `;
  assert.equal(leads.length, f.expected.leads.length, `${label}number of leads`);
  for (const [i, want] of f.expected.leads.entries()) {
    const got = leads[i];
    const at = `${label}lead ${i + 1} `;
    assert.equal(got.source, 'adf', at + 'source');
    for (const field of ['contactName', 'contactEmail', 'contactPhone', 'interest', 'externalSource', 'externalId', 'provider'] as const) {
      if (field in want) assert.equal(got[field], want[field], at + field);
    }
    if ('vehicleOfInterest' in want) assert.deepEqual(got.vehicleOfInterest, want.vehicleOfInterest, at + 'vehicleOfInterest');
    if (want.customer === 'existing') assert.ok(seeded.existing.has(got.customerId), `${at}matched an existing customer (got ${got.customerId})`);
    if (want.customer === 'new') assert.ok(got.customerId && !seeded.existing.has(got.customerId), `${at}made a new customer (got ${got.customerId})`);
    if (want.customer === null) assert.equal(got.customerId, null, at + 'customerId');
    if (want.motor === true) assert.equal(got.motorId, seeded.motorId, at + 'motorId');
    if (want.motor === false) assert.equal(got.motorId, null, at + 'motorId');
    if (want.tradeIns !== undefined) assert.equal((got.intakeDetails?.tradeIns ?? []).length, want.tradeIns, at + 'trade-ins');
    if (want.vehicles !== undefined) assert.equal((got.intakeDetails?.vehicles ?? []).length, want.vehicles, at + 'vehicles');
    if (want.messageIncludes) assert.ok(String(got.message ?? '').includes(want.messageIncludes), `${at}message has "${want.messageIncludes}": ${got.message}`);
    assert.ok(got.rawDocument && got.rawDocument.length > 10, at + 'raw document kept');
    if (!f.expected.isAdf)
      assert.ok(
        got.parseWarnings.some((w: string) => /not an ADF document/.test(w)),
        at + 'not-ADF warning',
      );
  }
  const all = (warnings ?? leads.flatMap((l) => l.parseWarnings)).join(' | ').toLowerCase();
  for (const w of f.expected.warnings) assert.ok(all.includes(w.toLowerCase()), `${label}warning "${w}" in: ${all}`);
  if (!f.expected.warnings.length && f.expected.isAdf) assert.equal(all, '', `${label}no warnings expected`);
}

/** POSTs raw bytes (the client helper would JSON-encode a Buffer). */
export async function postBytes(url: string, bytes: Buffer | string, contentType: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes), headers: { 'content-type': contentType, ...headers } });
  const text = await res.text();
  let body: JsonBody;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}
