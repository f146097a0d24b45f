// Runs every curl example of the three API documents we implement (../shared/specs, or SPECS_DIR)
// against a running server, as the documents write them: only the host, the key (and the
// shopper's token where an example shows one) and the ids an example references are replaced.
// Each example must get the status its document gives it. The examples are read out of the
// documents at run time, so an example added to a document is covered without anyone listing it.
//
//   npm run examples -- --url http://127.0.0.1:3000 --key motors_sk_test_…
//
// The key needs every scope (`*`) and a tenant with vehicles linked to the catalog
// (`npx motors seed demo`): the examples' ids are taken from that tenant's own records through
// the API, and the runner registers a shopper and reuses (or creates) a CRM client. Run it on a
// test key: the Storefront document's sign-up example registers its fixed `customer@example.com`,
// which a second run against the same tenant finds registered (409).
// test/spec-examples.test.ts runs it in `npm test` against a real test server.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type DocName = 'records' | 'storefront' | 'crm';

/** The three documents, by the surface they describe. */
export const documentFiles: Record<DocName, string> = {
  records: 'records-api--motors-crm-public-api.txt',
  storefront: 'storefront-api--carstrel-api.txt',
  crm: 'crm-api--autochat-crm-rest-api.txt',
};

export const defaultSpecsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'specs');

// ---------------------------------------------------------------------------------------------
// Reading the examples

export type CurlExample = { line: number; argv: string[] };

/**
 * Every `curl …` command in the text, split into arguments as a POSIX shell would: single and
 * double quotes, backslash escapes, and `\` + newline continuing the command on the next line.
 * A newline outside quotes ends the command.
 */
export function parseCurlExamples(text: string): CurlExample[] {
  const found: CurlExample[] = [];
  const start = /(^|\n)[ \t]*curl(?=[ \t\\])/g;
  for (let m = start.exec(text); m; m = start.exec(text)) {
    const from = m.index + m[0].indexOf('curl');
    const argv: string[] = [];
    let current: string | null = null;
    let i = from;
    const push = () => {
      if (current !== null) argv.push(current);
      current = null;
    };
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '\\' && text[i + 1] === '\n') {
        i++;
        push();
        continue;
      }
      if (c === '\n') break;
      if (c === ' ' || c === '\t') {
        push();
        continue;
      }
      if (c === "'") {
        const end = text.indexOf("'", i + 1);
        if (end < 0) throw new Error(`Unterminated ' in the curl example at line ${lineOf(text, from)}`);
        current = (current ?? '') + text.slice(i + 1, end);
        i = end;
        continue;
      }
      if (c === '"') {
        let s = '';
        for (i++; i < text.length && text[i] !== '"'; i++) {
          if (text[i] === '\\' && '$`"\\\n'.includes(text[i + 1])) i++;
          s += text[i];
        }
        current = (current ?? '') + s;
        continue;
      }
      if (c === '\\') i++;
      current = (current ?? '') + text[i];
    }
    push();
    found.push({ line: lineOf(text, from), argv });
    start.lastIndex = i;
  }
  return found;
}

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

export type CurlRequest = { method: string; url: string; headers: [string, string][]; body?: string };

/** What curl sends for these arguments (the options the documents use; any other is refused, so a new one is noticed). */
export function interpretCurl(argv: string[]): CurlRequest {
  let method: string | undefined;
  let url: string | undefined;
  const headers: [string, string][] = [];
  const data: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '-X' || a === '--request') method = value();
    else if (a === '-H' || a === '--header') {
      const h = value();
      const colon = h.indexOf(':');
      headers.push([h.slice(0, colon).trim(), h.slice(colon + 1).trim()]);
    } else if (a === '-d' || a === '--data' || a === '--data-raw' || a === '--data-binary') data.push(value());
    else if (a.startsWith('-')) throw new Error(`curl option ${a} is not understood by this runner (scripts/spec-examples.ts)`);
    else url = a;
  }
  if (!url) throw new Error('curl example without a URL');
  // As curl: data makes it a POST, sent as a form unless a Content-Type says otherwise.
  const body = data.length ? data.join('&') : undefined;
  if (body !== undefined && !headers.some(([k]) => k.toLowerCase() === 'content-type')) headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
  return { method: (method ?? (body !== undefined ? 'POST' : 'GET')).toUpperCase(), url, headers, body };
}

// ---------------------------------------------------------------------------------------------
// What each document says an example gets

type Section = { method: string; path: string; line: number; status?: number; required: string[] };

/**
 * The Storefront document's endpoint reference: a line holding only the method, the next the
 * path (`/external/brands/:id`), then its "Query Parameters" (name, type, description; the
 * required ones say so) and a response whose JSON body carries `"statusCode"`.
 */
function storefrontSections(text: string): Section[] {
  const lines = text.split('\n');
  const sections: Section[] = [];
  lines.forEach((l, i) => {
    if (/^(GET|POST|PUT|PATCH|DELETE)$/.test(l.trim()) && /^\/external\//.test(lines[i + 1]?.trim() ?? '')) {
      sections.push({ method: l.trim(), path: lines[i + 1].trim(), line: i + 1, required: [] });
    }
  });
  sections.forEach((s, n) => {
    const body = lines.slice(s.line, sections[n + 1]?.line ?? lines.length);
    // The document labels every response "200 OK", also the ones whose body says 201 (sign-up,
    // contact form, test drive). Its envelope's statusCode is the HTTP status (as ours is), so the
    // body is taken as what the document means; the label only when there is no body.
    const inBody = body.join('\n').match(/"statusCode":\s*(\d{3})/);
    const label = body.find((l) => /^\d{3} [A-Z]/.test(l.trim()));
    s.status = inBody ? Number(inBody[1]) : label ? Number(label.trim().slice(0, 3)) : undefined;
    const q = body.indexOf('Query Parameters');
    if (q >= 0) {
      for (let i = q + 1; i + 3 < body.length && body[i + 1] !== 'Example Request'; i++) {
        const [name, , , description] = body.slice(i, i + 4);
        if (/^[a-zA-Z]+$/.test(name.trim()) && /\(required\)/.test(description ?? '')) s.required.push(name.trim());
      }
    }
  });
  return sections;
}

const pathMatches = (pattern: string, path: string) => {
  const a = pattern.split('/');
  const b = path.split('/');
  return a.length === b.length && a.every((seg, i) => seg === b[i] || seg.startsWith(':') || /^\{.+\}$/.test(b[i]));
};

// ---------------------------------------------------------------------------------------------
// Running them

/** Real ids of the tenant's own records, found through the API (see discoverIds). */
export type Ids = {
  vehicle: string;
  brand: string;
  model: string;
  bodyType: string;
  engine: string;
  generation: string;
  trim: string;
  customer: string;
  client: string;
  /** A signed-in shopper's access token, for the examples that show one. */
  shopperToken: string;
  shopper: { email: string; password: string };
};

// `{id}` in a path is the record the segment before it names.
const idOfSegment: Record<string, keyof Ids> = {
  vehicles: 'vehicle',
  brands: 'brand',
  models: 'model',
  'body-types': 'bodyType',
  engines: 'engine',
  generations: 'generation',
  trims: 'trim',
  customers: 'customer',
  clients: 'client',
};
// `{brandId}`, `?brandId=uuid`, `"client_id": "uuid"`: the record the name says.
const idOfName = (name: string): keyof Ids | undefined => {
  const base = name.replace(/(Id|_id)$/, '');
  return base === name ? undefined : ({ vehicle: 'vehicle', brand: 'brand', model: 'model', bodyType: 'bodyType', client: 'client', customer: 'customer' } as const)[base as 'brand'];
};

const placeholderKey = /^(YOUR_API_KEY|sk_(live|test)_\w+|motors_sk_\w+)$/;

export type Planned = {
  doc: DocName;
  line: number;
  /** How the report names it: the document's request, before replacement. */
  label: string;
  argv: string[];
  request: CurlRequest;
  expected: number;
  /** Why the expected status is not the document's own (the document contradicts itself). */
  contradiction?: string;
};

/** The example with only host, key, shopper token and ids replaced. */
export function substitute(argv: string[], opts: { base: string; key: string; ids: Ids; prefix?: [string, string] }): string[] {
  const need = (k: keyof Ids | undefined, what: string) => {
    const v = k && opts.ids[k];
    if (typeof v !== 'string') throw new Error(`No real record for ${what}: add it to the runner's id map (scripts/spec-examples.ts)`);
    return v;
  };
  return argv.map((a, i) => {
    const option = argv[i - 1];
    if (option === '-H' || option === '--header') {
      const [name, ...rest] = a.split(':');
      const value = rest.join(':').trim();
      if (/^x-api-key$/i.test(name.trim()) && placeholderKey.test(value)) return `${name}: ${opts.key}`;
      if (/^authorization$/i.test(name.trim())) {
        const token = value.replace(/^Bearer\s+/i, '');
        if (placeholderKey.test(token)) return `${name}: Bearer ${opts.key}`;
        if (token.startsWith('eyJ')) return `${name}: Bearer ${opts.ids.shopperToken}`;
      }
      return a;
    }
    if (option === '-d' || option === '--data' || option === '--data-raw' || option === '--data-binary') {
      try {
        const body = JSON.parse(a);
        const walk = (v: unknown): unknown => {
          if (Array.isArray(v)) return v.map(walk);
          if (!v || typeof v !== 'object') return v;
          return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x === 'uuid' ? need(idOfName(k), `"${k}"`) : walk(x)]));
        };
        return JSON.stringify(walk(body));
      } catch (err) {
        if (err instanceof SyntaxError) return a;
        throw err;
      }
    }
    if (/^https?:\/\//.test(a) && !option?.startsWith('-')) {
      const u = new URL(a.replace(/\{(\w+)\}/g, '__$1__'));
      let p = decodeURIComponent(u.pathname).replace(/__(\w+)__/g, '{$1}');
      if (opts.prefix && p.startsWith(opts.prefix[0])) p = opts.prefix[1] + p.slice(opts.prefix[0].length);
      const segments = p.split('/').map((seg, n, all) => {
        const m = seg.match(/^\{(\w+)\}$/);
        if (!m) return seg;
        return need(m[1] === 'id' ? idOfSegment[all[n - 1]] : (idOfName(m[1]) ?? idOfSegment[`${m[1]}s`]), `${seg} in ${p}`);
      });
      for (const [k, v] of u.searchParams) if (v === 'uuid') u.searchParams.set(k, need(idOfName(k), `?${k}=uuid`));
      return `${opts.base}${segments.join('/')}${u.search}`;
    }
    return a;
  });
}

/** Every example of the three documents, with what it must get. */
export function planExamples(opts: { base: string; key: string; ids: Ids; specsDir?: string }): Planned[] {
  const dir = opts.specsDir ?? defaultSpecsDir;
  const plans: Planned[] = [];
  const read = (doc: DocName) => fs.readFileSync(path.join(dir, documentFiles[doc]), 'utf8');
  const plan = (doc: DocName, ex: CurlExample, expected: (req: CurlRequest) => { status: number; contradiction?: string }, prefix?: [string, string]) => {
    const argv = substitute(ex.argv, { ...opts, prefix });
    const request = interpretCurl(argv);
    const original = interpretCurl(ex.argv);
    const e = expected(request);
    const shown = decodeURIComponent(new URL(original.url).pathname);
    plans.push({
      doc,
      line: ex.line,
      label: `${doc}:${ex.line} ${original.method} ${prefix ? request.url.slice(opts.base.length).split('?')[0] : shown}`,
      argv,
      request,
      expected: e.status,
      contradiction: e.contradiction,
    });
  };

  // Records API: its document has no curl example today; any it gains is run here, a GET
  // expected to be a 200 and a POST a 201 ("Base URL and methods" lists reads and creates).
  const records = read('records');
  for (const ex of parseCurlExamples(records)) plan('records', ex, (r) => ({ status: r.method === 'POST' ? 201 : 200 }));
  // What it does show, as requests: the list endpoint of every supported collection with its
  // documented query parameters, under either key header.
  const collections =
    records
      .match(/Supported collections\s+([a-zA-Z, ]+)/)?.[1]
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean) ?? [];
  const query = [...(records.match(/Query params \(list endpoint\)\s+((?:[a-zA-Z]+=\S+.*\n)+)/)?.[1] ?? '').matchAll(/^([a-zA-Z]+=\S+)/gm)].map((m) => m[1]).join('&');
  if (/GET\s+\/api\/public\/v1\/:collection\n/.test(records)) {
    for (const c of collections) {
      for (const header of [`X-API-Key: ${opts.key}`, `Authorization: Bearer ${opts.key}`]) {
        const argv = ['curl', `${opts.base}/api/public/v1/${c}?${query}`, '-H', header];
        plans.push({ doc: 'records', line: 0, label: `records GET /api/public/v1/${c}?${query} (${header.split(':')[0]})`, argv, request: interpretCurl(argv), expected: 200 });
      }
    }
  }

  // CRM API: the document gives statuses once for all ("200 OK: Success", "201 Created:
  // Resource created"): its examples list, read and create. Each runs under the document's own
  // base path /functions/v1/crm-api/v1 and under /crm-api/v1.
  const crm = read('crm');
  const created = /201 Created: Resource created/.test(crm);
  for (const ex of parseCurlExamples(crm)) {
    const expected = (r: CurlRequest) => ({ status: r.method === 'POST' && created ? 201 : 200 });
    plan('crm', ex, expected);
    plan('crm', ex, expected, ['/functions/v1/crm-api/v1', '/crm-api/v1']);
  }

  // Storefront API: each example gets the status of the endpoint it calls in the document's
  // reference (its response's statusCode).
  const sf = read('storefront');
  const sections = storefrontSections(sf);
  for (const ex of parseCurlExamples(sf)) {
    plan('storefront', ex, (req) => {
      const p = new URL(req.url).pathname;
      const within = [...sections].reverse().find((s) => s.line < ex.line);
      const enclosing = within && pathMatches(within.path, p) ? within : undefined;
      const reference = sections.find((s) => s.method === req.method && pathMatches(s.path, p));
      const bearer = req.headers.some(([k, v]) => k.toLowerCase() === 'authorization' && /^bearer /i.test(v));
      // The document says /auth/me needs the shopper's token ("Customer-only endpoints — e.g.
      // /external/auth/me require the customer JWT in addition to the API key"), and its
      // reference example for /auth/me sends none: without a token it is a 401.
      if (/\/auth\/me$/.test(p) && !bearer) {
        return { status: 401, contradiction: "The document requires the shopper's token on /auth/me and its reference example sends none: 401 (the example beside it, with both headers, gets 200)." };
      }
      if (enclosing && enclosing.method !== req.method) {
        // The reference lists a POST/PATCH with its inputs, and its example has no -X and no
        // data: curl sends a GET with none of the inputs the section says are required.
        const why = `The section documents ${enclosing.method} ${enclosing.path}${enclosing.required.length ? ` with required ${enclosing.required.join(', ')}` : ''}; its example has no -X and no data, so curl sends a GET`;
        if (reference) return { status: reference.status ?? 200, contradiction: `${why}, which is ${reference.method} ${reference.path}.` };
        return {
          status: 405,
          contradiction: `${why} with no inputs: 405, the Allow header naming ${enclosing.method}. The same request sent as ${enclosing.method} with the required inputs as query parameters is checked too.`,
        };
      }
      if (!reference?.status) throw new Error(`storefront:${ex.line}: ${req.method} ${p} is not in the document's endpoint reference, so its status is unknown`);
      return { status: reference.status };
    });
  }

  // The Storefront examples the document contradicts, sent as the section means them: its
  // method, and its required inputs as query parameters (the section lists them under "Query
  // Parameters"); expected: the section's status.
  const values = (name: string, section: Section): string => {
    if (name === 'email') return /login/.test(section.path) ? opts.ids.shopper.email : `reader.${crypto.randomBytes(4).toString('hex')}@example.com`;
    if (name === 'password') return opts.ids.shopper.password;
    const id = idOfName(name);
    if (id) return opts.ids[id] as string;
    return ({ firstName: 'John', lastName: 'Doe', name: 'John Doe', message: 'Is this car still available?' } as Record<string, string>)[name] ?? 'example';
  };
  for (const p of plans.filter((x) => x.doc === 'storefront' && x.expected === 405)) {
    const section = [...sections].reverse().find((s) => s.line < p.line)!;
    if (!section.required.length) continue;
    const u = new URL(p.request.url);
    // Sign-up would find the document's own sign-up example's account: a fresh address instead.
    for (const name of section.required) u.searchParams.set(name, values(name, section));
    const argv = ['curl', '-X', section.method, u.toString(), ...p.argv.slice(1).filter((a) => !/^https?:/.test(a))];
    plans.push({
      doc: 'storefront',
      line: p.line,
      label: `storefront:${p.line} ${section.method} ${section.path} (required inputs as query parameters)`,
      argv,
      request: interpretCurl(argv),
      expected: section.status ?? 200,
    });
  }
  return plans;
}

export type Outcome = Planned & { status: number; body: string };

let curlAvailable: boolean | undefined;
const hasCurl = () => new Promise<boolean>((resolve) => execFile('curl', ['--version'], (err) => resolve(!err)));

/** Sends the example with the real curl when it is installed, else as curl would over fetch. */
export async function runExample(p: Planned): Promise<Outcome> {
  curlAvailable ??= await hasCurl();
  if (curlAvailable) {
    const marker = '\n__status__';
    const out = await new Promise<string>((resolve, reject) =>
      execFile('curl', ['-sS', '--max-time', '30', '-w', `${marker}%{http_code}`, ...p.argv.slice(1)], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
        err ? reject(new Error(`curl failed: ${stderr || err.message}`)) : resolve(stdout),
      ),
    );
    const at = out.lastIndexOf(marker);
    return { ...p, status: Number(out.slice(at + marker.length)), body: out.slice(0, at) };
  }
  const res = await fetch(p.request.url, { method: p.request.method, headers: p.request.headers, body: p.request.body });
  return { ...p, status: res.status, body: await res.text() };
}

// ---------------------------------------------------------------------------------------------
// The ids, from the tenant's own records

async function api(base: string, key: string, method: string, p: string, body?: unknown, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { 'x-api-key': key, ...extra };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  // biome-ignore lint/suspicious/noExplicitAny: the examples' answers are read by path, as in the documents
  const json = (await res.json().catch(() => undefined)) as any;
  if (!res.ok) throw new Error(`${method} ${p} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

/**
 * Real ids for the examples' placeholders, from the key's tenant: a vehicle linked to the
 * catalog (its brand, model and body type, so the filter example finds it), the catalog's first
 * engine, generation and trim, a shopper registered now (its customer record and access token),
 * and the first CRM client (one is created when there is none).
 */
export async function discoverIds(base: string, key: string): Promise<Ids> {
  const vehicles: { id: string; status: string; model: { id: string; brand: { id: string }; bodyType: { id: string } }; engine?: { id: string } }[] = (
    await api(base, key, 'GET', '/external/vehicles?limit=100')
  ).data;
  const vehicle = vehicles.find((v) => v.status === 'available' && v.model?.id && v.model?.brand?.id && v.model?.bodyType?.id);
  if (!vehicle) throw new Error('The tenant has no available vehicle linked to the catalog: seed it first (npx motors seed demo --tenant <id>)');
  const first = async (p: string) => {
    const item = (await api(base, key, 'GET', p)).data?.[0];
    if (!item) throw new Error(`${p} is empty: is the vehicle catalog loaded?`);
    return item.id as string;
  };
  const shopper = { email: `shopper.${crypto.randomBytes(4).toString('hex')}@example.com`, password: `pw-${crypto.randomBytes(8).toString('hex')}` };
  const session = (await api(base, key, 'POST', '/external/auth/register', { ...shopper, firstName: 'Sam', lastName: 'Shopper' })).data;
  const customer = (await api(base, key, 'GET', `/external/customers?search=${encodeURIComponent(shopper.email)}`)).data?.[0]?.id;
  if (!customer) throw new Error('The shopper just registered is not in /external/customers');
  const crm = { authorization: `Bearer ${key}` };
  let client = (await api(base, key, 'GET', '/crm-api/v1/clients?limit=1', undefined, crm)).data?.[0]?.id as string | undefined;
  client ??= (await api(base, key, 'POST', '/crm-api/v1/clients', { name: 'Example Client', email: 'client@example.com' }, crm)).data.id as string;
  return {
    vehicle: vehicle.id,
    brand: vehicle.model.brand.id,
    model: vehicle.model.id,
    bodyType: vehicle.model.bodyType.id,
    engine: vehicle.engine?.id ?? (await first('/external/engines?limit=1')),
    generation: await first('/external/generations?limit=1'),
    trim: await first('/external/trims?limit=1'),
    customer,
    client,
    shopperToken: session.access_token,
    shopper,
  };
}

/** Plans and runs every example in order (one after another: the sign-up example must precede nothing it depends on). */
export async function runAll(opts: { base: string; key: string; specsDir?: string }): Promise<Outcome[]> {
  const ids = await discoverIds(opts.base, opts.key);
  const outcomes: Outcome[] = [];
  for (const p of planExamples({ ...opts, ids })) outcomes.push(await runExample(p));
  return outcomes;
}

export const formatOutcome = (o: Outcome) =>
  `${o.status === o.expected ? 'ok  ' : 'FAIL'} ${o.status} (expected ${o.expected}) ${o.label}${o.contradiction ? `\n       document contradicts itself: ${o.contradiction}` : ''}${o.status === o.expected ? '' : `\n       ${o.body.slice(0, 400)}`}`;

// `npm run examples -- --url http://host:port --key motors_sk_…`
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const base = (arg('url') ?? process.env.MOTORS_URL ?? '').replace(/\/$/, '');
  const key = arg('key') ?? process.env.MOTORS_API_KEY;
  if (!base || !key) {
    console.error('usage: npm run examples -- --url http://127.0.0.1:3000 --key motors_sk_test_… [--specs ../shared/specs]');
    process.exit(2);
  }
  const outcomes = await runAll({ base, key, specsDir: arg('specs') });
  for (const o of outcomes) console.log(formatOutcome(o));
  const failed = outcomes.filter((o) => o.status !== o.expected).length;
  console.log(`\n${outcomes.length - failed} of ${outcomes.length} examples got their documented status`);
  process.exit(failed ? 1 : 0);
}
