import crypto from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

// ADF/XML 1.0 (Auto-lead Data Format), the dealer industry's lead format:
// adf > prospect+ (requestdate, vehicle+, customer, vendor, provider?). Real senders break the DTD
// in every way (unknown attributes, upper-case tags, text around the document, Latin-1 bytes,
// HTML e-mail, even the specification's own example), so this parser reads what is there and
// reports what it had to forgive as warnings; it never refuses a document. docs/adf-leads.md.

export const adfInterests = ['buy', 'lease', 'sell', 'trade-in', 'test-drive'] as const;
export type AdfInterest = (typeof adfInterests)[number];

export type AdfVehicle = {
  interest: AdfInterest;
  status: 'new' | 'used';
  year: number | null;
  make: string | null;
  model: string | null;
  vin: string | null;
  stock: string | null;
  trim: string | null;
  odometer: { value: number; units: string } | null;
  price: { value: number; type: string; currency: string | null } | null;
  comments: string | null;
};

export type AdfPhone = { number: string; type: string | null };

export type AdfContact = {
  firstName: string | null;
  lastName: string | null;
  fullName: string | null;
  emails: string[];
  phones: AdfPhone[];
  address: Record<string, string> | null;
};

export type AdfProspect = {
  /** The sender's id of the lead and the system that gave it (`<id source="…">`): a retry repeats both. */
  id: { value: string; source: string } | null;
  requestDate: string | null;
  vehicles: AdfVehicle[];
  contacts: AdfContact[];
  customerComments: string | null;
  timeframe: string | null;
  vendor: { name: string | null; contact: AdfContact | null } | null;
  provider: { name: string | null; service: string | null; url: string | null; email: string | null } | null;
  /** Stable over whitespace and formatting: the fallback identity of a prospect without an id. */
  fingerprint: string;
};

export type AdfParseResult = {
  /** False when no ADF prospect could be read at all; the message still becomes a lead. */
  isAdf: boolean;
  prospects: AdfProspect[];
  warnings: string[];
};

const arrays = new Set(['prospect', 'vehicle', 'contact', 'email', 'phone', 'name', 'id', 'comments', 'price', 'street', 'address']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Tags and attributes in any case (<ADF>, <Prospect>, PART="first") are common in the wild.
  transformTagName: (name) => name.toLowerCase(),
  transformAttributeName: (name) => name.toLowerCase(),
  isArray: (name) => arrays.has(name),
  htmlEntities: true,
  processEntities: true,
});

type Node = Record<string, unknown>;

/**
 * Bytes to text: the XML declaration's encoding when it names one, else UTF-8; a UTF-8 document
 * that is not valid UTF-8 (Latin-1 sent without saying so) is read as Windows-1252, with a warning.
 */
export function decodeDocument(bytes: Buffer, declaredCharset?: string): { text: string; warnings: string[] } {
  const warnings: string[] = [];
  const head = bytes.subarray(0, 200).toString('latin1');
  const fromXml = /<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/i.exec(head)?.[1];
  let encoding = (fromXml ?? declaredCharset ?? 'utf-8').toLowerCase();
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) encoding = 'utf-8';
  if (encoding === 'utf8') encoding = 'utf-8';
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    warnings.push(`unknown encoding "${encoding}"; read as UTF-8`);
    encoding = 'utf-8';
    decoder = new TextDecoder('utf-8', { fatal: true });
  }
  try {
    return { text: stripBom(decoder.decode(bytes)), warnings };
  } catch {
    warnings.push(`the document is not valid ${encoding}; read as Windows-1252 (Latin-1)`);
    return { text: stripBom(new TextDecoder('windows-1252').decode(bytes)), warnings };
  }
}

const stripBom = (s: string) => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s);

const HTML_ESCAPED = /&lt;\s*(\?xml|\?adf|adf[\s&])/i;

/** Finds the ADF document inside what was sent (an e-mail body with a greeting, an HTML page…). */
function locate(raw: string, warnings: string[]): string | null {
  let text = raw;
  if (!/<\s*(adf|prospect)[\s>]/i.test(text) && HTML_ESCAPED.test(text)) {
    // An HTML e-mail shows the XML as text: &lt;adf&gt;… Unescape once and read that.
    warnings.push('the ADF document was HTML-escaped (an HTML e-mail); unescaped');
    text = text
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/?(html|head|body|pre|p|div|span|font|tt|code)[^>]*>/gi, '')
      .replace(/&lt;/gi, '<')
      .replace(/&gt;/gi, '>')
      .replace(/&quot;/gi, '"')
      .replace(/&nbsp;/gi, ' ')
      .replace(/&amp;/gi, '&');
  }
  const start = text.search(/<\s*adf[\s>]/i);
  if (start < 0) {
    const prospect = text.search(/<\s*prospect[\s>]/i);
    if (prospect < 0) return null;
    warnings.push('no <adf> root element; read the <prospect> elements found');
    const end = text.toLowerCase().lastIndexOf('</prospect>');
    return `<adf>${text.slice(prospect, end < 0 ? undefined : end + '</prospect>'.length)}</adf>`;
  }
  const lower = text.toLowerCase();
  const close = lower.lastIndexOf('</adf>');
  if (
    text
      .slice(0, start)
      .replace(/<\?[^>]*\?>/g, '')
      .trim()
  )
    warnings.push('text before the ADF document was ignored');
  if (close < 0) {
    warnings.push('the document has no </adf> end tag (truncated?)');
    return text.slice(start, text.lastIndexOf('>') + 1);
  }
  if (text.slice(close + 6).trim()) warnings.push('text after the ADF document was ignored');
  return text.slice(start, close + 6);
}

export function parseAdf(raw: string): AdfParseResult {
  const warnings: string[] = [];
  const doc = locate(raw, warnings);
  if (doc === null) return { isAdf: false, prospects: [], warnings: [...warnings, 'not an ADF document: no <adf> or <prospect> element; kept as raw text'] };
  const valid = XMLValidator.validate(doc);
  if (valid !== true) warnings.push(`malformed XML (${valid.err.msg.replace(/\.$/, '')}, line ${valid.err.line}); read leniently`);
  let tree: Node;
  try {
    tree = parser.parse(doc) as Node;
  } catch (err) {
    // Unclosed at the end: cut after the last complete tag and let the lenient parser close the rest.
    try {
      tree = parser.parse(doc.slice(0, doc.lastIndexOf('>') + 1).replace(/<[^>]*$/, '')) as Node;
    } catch {
      return { isAdf: false, prospects: [], warnings: [...warnings, `not readable as XML (${(err as Error).message}); kept as raw text`] };
    }
  }
  const adf = (tree.adf ?? tree) as Node;
  const prospects = asArray(adf.prospect)
    .filter(isNode)
    .map((p, i) => readProspect(p, i, warnings));
  if (!prospects.length) return { isAdf: false, prospects: [], warnings: [...warnings, 'the ADF document has no <prospect>; kept as raw text'] };
  return { isAdf: true, prospects, warnings };
}

function readProspect(p: Node, index: number, warnings: string[]): AdfProspect {
  const where = (s: string) => (index ? `prospect ${index + 1}: ${s}` : s);
  const ids = asArray(p.id)
    .map((n) => ({ value: text(n), source: attr(n, 'source') }))
    .filter((i) => i.value);
  const id = ids.find((i) => i.source) ?? ids[0];
  const vehicles = asArray(p.vehicle)
    .filter(isNode)
    .map((v) => readVehicle(v, (s) => warnings.push(where(s))));
  if (!vehicles.length) warnings.push(where('no <vehicle>'));
  const customer = (isNode(p.customer) ? p.customer : {}) as Node;
  const contacts = asArray(customer.contact).filter(isNode).map(readContact);
  if (!contacts.length) warnings.push(where('no customer <contact>'));
  else if (!contacts.some((c) => c.emails.length || c.phones.length)) warnings.push(where('the customer contact has neither an email nor a phone'));
  const vendorNode = isNode(p.vendor) ? p.vendor : undefined;
  const providerNode = isNode(p.provider) ? p.provider : undefined;
  return {
    id: id ? { value: id.value, source: id.source ?? '' } : null,
    requestDate: textOf(p.requestdate),
    vehicles,
    contacts,
    customerComments: comments(customer.comments),
    timeframe: isNode(customer.timeframe)
      ? [textOf(customer.timeframe.description), textOf(customer.timeframe.earliestdate), textOf(customer.timeframe.latestdate)].filter(Boolean).join(' ') || null
      : textOf(customer.timeframe),
    vendor: vendorNode ? { name: textOf(vendorNode.vendorname) ?? textOf(vendorNode.name), contact: asArray(vendorNode.contact).filter(isNode).map(readContact)[0] ?? null } : null,
    provider: providerNode
      ? {
          name: firstName(providerNode.name),
          service: textOf(providerNode.service),
          url: textOf(providerNode.url),
          email: textOf(providerNode.email),
        }
      : null,
    fingerprint: crypto.createHash('sha256').update(JSON.stringify(p)).digest('hex').slice(0, 32),
  };
}

const interestAliases: Record<string, AdfInterest> = {
  buy: 'buy',
  purchase: 'buy',
  lease: 'lease',
  sell: 'sell',
  'trade-in': 'trade-in',
  tradein: 'trade-in',
  'trade in': 'trade-in',
  trade: 'trade-in',
  'test-drive': 'test-drive',
  testdrive: 'test-drive',
  'test drive': 'test-drive',
};

function readVehicle(v: Node, warn: (s: string) => void): AdfVehicle {
  const rawInterest = attr(v, 'interest')?.toLowerCase().replace(/_/g, '-');
  // The DTD's defaults: interest "buy", status "new".
  const interest = rawInterest ? interestAliases[rawInterest] : 'buy';
  if (!interest) warn(`unknown vehicle interest "${rawInterest}"; read as buy`);
  const rawStatus = attr(v, 'status')?.toLowerCase();
  const status = !rawStatus || rawStatus === 'new' ? 'new' : rawStatus === 'used' || /certified|cpo|pre-?owned/.test(rawStatus) ? 'used' : undefined;
  if (!status) warn(`unknown vehicle status "${rawStatus}"; read as new`);
  const yearText = textOf(v.year);
  const year = yearText && /^\d{4}$/.test(yearText) && +yearText >= 1900 && +yearText <= 2100 ? +yearText : null;
  if (yearText && year === null) warn(`vehicle year "${yearText}" is not a year; ignored`);
  const odoNode = v.odometer;
  const odoValue = number(textOf(odoNode));
  const priceNode = asArray(v.price)[0];
  const priceValue = number(textOf(priceNode));
  return {
    interest: interest ?? 'buy',
    status: status ?? 'new',
    year,
    make: textOf(v.make),
    model: textOf(v.model),
    vin: textOf(v.vin)?.toUpperCase().replace(/\s+/g, '') ?? null,
    stock: textOf(v.stock),
    trim: textOf(v.trim),
    odometer: odoValue === null ? null : { value: odoValue, units: attr(odoNode, 'units')?.toLowerCase() === 'km' ? 'km' : 'mi' },
    price: priceValue === null ? null : { value: priceValue, type: attr(priceNode, 'type')?.toLowerCase() ?? 'quote', currency: attr(priceNode, 'currency')?.toUpperCase() ?? null },
    comments: comments(v.comments),
  };
}

function readContact(c: Node): AdfContact {
  const names = asArray(c.name)
    .map((n) => ({ part: attr(n, 'part')?.toLowerCase() ?? 'full', value: text(n) }))
    .filter((n) => n.value);
  const part = (p: string) => names.find((n) => n.part === p)?.value ?? null;
  const fullGiven = part('full') ?? names.find((n) => !['first', 'middle', 'last', 'suffix'].includes(n.part))?.value ?? null;
  let firstName = part('first');
  let lastName = part('last');
  // Only a full name: the last word is the surname (what dealers' DMSs do too).
  if (!firstName && !lastName && fullGiven) {
    const words = fullGiven.split(/\s+/);
    firstName = words.length > 1 ? words.slice(0, -1).join(' ') : words[0];
    lastName = words.length > 1 ? words.at(-1)! : null;
  }
  const fullName = fullGiven ?? ([firstName, part('middle'), lastName, part('suffix')].filter(Boolean).join(' ') || null);
  // Deep: in a malformed contact (an unclosed <name>) the email ends up inside another element.
  const emails = deepFind(c, 'email')
    .map((e) => text(e).trim())
    .filter((e) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e));
  const phones = asArray(c.phone)
    .map((ph) => ({ number: text(ph), type: attr(ph, 'type')?.toLowerCase() ?? null }))
    .filter((ph) => /\d{3}/.test(ph.number));
  const addressNode = asArray(c.address).find(isNode);
  let address: Record<string, string> | null = null;
  if (addressNode) {
    const streets = asArray(addressNode.street).map(text).filter(Boolean);
    address = Object.fromEntries(
      Object.entries({
        line1: streets[0],
        line2: streets[1],
        city: textOf(addressNode.city),
        region: textOf(addressNode.regioncode),
        postalCode: textOf(addressNode.postalcode),
        country: textOf(addressNode.country),
      }).filter((e): e is [string, string] => Boolean(e[1])),
    );
  }
  return { firstName, lastName, fullName, emails, phones, address };
}

function firstName(node: unknown): string | null {
  const names = asArray(node).map(text).filter(Boolean);
  return names[0] ?? null;
}

function comments(node: unknown): string | null {
  const all = asArray(node).map(text).filter(Boolean);
  return all.length ? all.join('\n') : null;
}

function number(s: string | null): number | null {
  if (!s) return null;
  const cleaned = s.replace(/[,$\s€£]/g, '');
  return /^\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : null;
}

function deepFind(node: unknown, key: string): unknown[] {
  if (Array.isArray(node)) return node.flatMap((n) => deepFind(n, key));
  if (!isNode(node)) return [];
  return Object.entries(node).flatMap(([k, v]) => (k === key ? asArray(v) : k.startsWith('@') ? [] : deepFind(v, key)));
}

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

function text(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string' || typeof node === 'number') return String(node).trim();
  if (Array.isArray(node)) return text(node[0]);
  if (isNode(node)) {
    const t = node['#text'];
    // <name part="full"><![CDATA[…]]></name> or mixed content: join what text there is.
    if (t !== undefined) return String(t).trim();
    return Object.entries(node)
      .filter(([k]) => !k.startsWith('@'))
      .map(([, v]) => text(v))
      .filter(Boolean)
      .join(' ');
  }
  return '';
}

const textOf = (node: unknown): string | null => text(node) || null;

function attr(node: unknown, name: string): string | null {
  const n = Array.isArray(node) ? node[0] : node;
  if (!isNode(n)) return null;
  const v = n[`@${name}`];
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}

// ADF out: one lead as an ADF 1.0 document (strict: only the DTD's elements and values).
export type AdfLeadOut = {
  id: string;
  createdAt: string;
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  interest: string | null;
  vehicleOfInterest: { year?: number | null; make?: string | null; model?: string | null } | null;
  message: string | null;
  externalId: string | null;
  externalSource: string | null;
  provider: string | null;
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function writeAdf(lead: AdfLeadOut, vendorName: string): string {
  const interest = (adfInterests as readonly string[]).includes(lead.interest ?? '') ? lead.interest! : 'buy';
  const v = lead.vehicleOfInterest ?? {};
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<?adf version="1.0"?>',
    '<adf>',
    '  <prospect>',
    `    <id sequence="1" source="motors-crm">${esc(lead.id)}</id>`,
    ...(lead.externalId && lead.externalSource && lead.externalSource !== 'fingerprint' ? [`    <id sequence="2" source="${esc(lead.externalSource)}">${esc(lead.externalId)}</id>`] : []),
    `    <requestdate>${esc(lead.createdAt)}</requestdate>`,
    `    <vehicle interest="${interest}" status="new">`,
    `      <year>${v.year ?? ''}</year>`,
    `      <make>${esc(v.make ?? '')}</make>`,
    `      <model>${esc(v.model ?? '')}</model>`,
    '    </vehicle>',
    '    <customer>',
    '      <contact>',
    `        <name part="full">${esc(lead.contactName ?? '')}</name>`,
    ...(lead.contactEmail ? [`        <email>${esc(lead.contactEmail)}</email>`] : []),
    ...(lead.contactPhone ? [`        <phone>${esc(lead.contactPhone)}</phone>`] : []),
    '      </contact>',
    ...(lead.message ? [`      <comments>${esc(lead.message)}</comments>`] : []),
    '    </customer>',
    '    <vendor>',
    `      <vendorname>${esc(vendorName)}</vendorname>`,
    '      <contact>',
    `        <name part="full">${esc(vendorName)}</name>`,
    '      </contact>',
    '    </vendor>',
    ...(lead.provider ? ['    <provider>', `      <name part="full">${esc(lead.provider)}</name>`, '    </provider>'] : []),
    '  </prospect>',
    '</adf>',
    '',
  ];
  return lines.join('\n');
}
