// What the record pages show and edit per collection: the common fields as form fields, the list
// columns as plain text. Every other field stays editable in the JSON editor.
import { formatMoney } from './money.ts';
import { formatNumber } from './format.ts';
import { getPath, humanStatus, recordTitle, type Rec } from './records.ts';

export type FieldKind = 'text' | 'email' | 'url' | 'textarea' | 'number' | 'select' | 'bool' | 'money' | 'date' | 'datetime' | 'ref' | 'tags';
export type FieldSpec = {
  path: string;
  label: string;
  kind: FieldKind;
  options?: readonly string[];
  /** For money: where the currency is (same object), e.g. "saleOptions.currency". For a mileage: where its unit is. */
  currencyPath?: string;
  unitPath?: string;
  /** For ref: the collection referred to. */
  ref?: string;
  required?: boolean;
  /** Empty select means null (e.g. "not listed"). */
  emptyLabel?: string;
  showIf?: (values: Record<string, unknown>) => boolean;
  hint?: string;
};
/**
 * `ref`: the value is the id of a record of that collection, shown by its name. `sort`: the
 * server's sort key(s) for this column (core/sorting.ts), the first the list offers is used.
 */
export type Column = { label: string; value: (r: Rec) => string; ref?: string; sort?: string | string[] };

const text = (path: string, label: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({ path, label, kind: 'text', ...extra });
const listing = (type: string) => (v: Record<string, unknown>) => v.listingType === type;
const when = (iso: unknown) => (typeof iso === 'string' && iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—');
const day = (d: unknown) => (typeof d === 'string' && d ? new Date(`${d.slice(0, 10)}T12:00:00`).toLocaleDateString(undefined, { dateStyle: 'medium' }) : '—');

export const fieldSpecs: Record<string, FieldSpec[]> = {
  customers: [
    { path: 'type', label: 'Type', kind: 'select', options: ['person', 'company'] },
    text('firstName', 'First name'),
    text('lastName', 'Last name'),
    text('companyName', 'Company name', { showIf: (v) => v.type === 'company', hint: 'Required for a company.' }),
    { path: 'email', label: 'Email', kind: 'email' },
    text('phone', 'Phone'),
    text('mobile', 'Mobile'),
    { path: 'lifecycleStage', label: 'Lifecycle stage', kind: 'select', options: ['PROSPECT', 'LEAD', 'CUSTOMER', 'CHURNED'] },
    { path: 'tags', label: 'Tags', kind: 'tags', hint: 'Separated by commas.' },
    { path: 'isVip', label: 'VIP', kind: 'bool' },
    { path: 'marketingConsent', label: 'Agreed to marketing', kind: 'bool' },
    { path: 'notes', label: 'Notes', kind: 'textarea' },
  ],
  motors: [
    text('make', 'Make', { required: true }),
    text('model', 'Model', { required: true }),
    { path: 'year', label: 'Year', kind: 'number' },
    text('trim', 'Trim'),
    text('vin', 'VIN'),
    text('stockNumber', 'Stock number'),
    { path: 'mileage', label: 'Mileage', kind: 'number', unitPath: 'mileageUnit' },
    { path: 'mileageUnit', label: 'Mileage unit', kind: 'select', options: ['km', 'mi'] },
    { path: 'condition', label: 'Condition', kind: 'select', options: ['new', 'used'] },
    { path: 'status', label: 'Stock status', kind: 'select', options: ['in_stock', 'reserved', 'sold', 'in_service', 'archived'] },
    text('exteriorColor', 'Exterior colour'),
    { path: 'listingType', label: 'Listing type', kind: 'select', options: ['sale', 'rental', 'auction'], emptyLabel: 'Not listed' },
    { path: 'listingStatus', label: 'Listing status', kind: 'select', options: ['draft', 'active', 'paused', 'closed'], hint: 'Active listings are shown by the Storefront API.' },
    { path: 'saleOptions.priceAmount', label: 'Asking price', kind: 'money', currencyPath: 'saleOptions.currency', showIf: listing('sale') },
    text('saleOptions.currency', 'Currency', { showIf: listing('sale'), hint: 'ISO 4217, e.g. USD.' }),
    { path: 'saleOptions.isNegotiable', label: 'Negotiable', kind: 'bool', showIf: listing('sale') },
    { path: 'saleOptions.financingAvailable', label: 'Financing available', kind: 'bool', showIf: listing('sale') },
    { path: 'rentalOptions.dailyRateAmount', label: 'Daily rate', kind: 'money', currencyPath: 'rentalOptions.currency', showIf: listing('rental') },
    { path: 'rentalOptions.weeklyRateAmount', label: 'Weekly rate', kind: 'money', currencyPath: 'rentalOptions.currency', showIf: listing('rental') },
    { path: 'rentalOptions.depositAmount', label: 'Deposit', kind: 'money', currencyPath: 'rentalOptions.currency', showIf: listing('rental') },
    text('rentalOptions.currency', 'Currency', { showIf: listing('rental') }),
    { path: 'rentalOptions.minDays', label: 'Minimum days', kind: 'number', showIf: listing('rental') },
    { path: 'auctionOptions.startingBidAmount', label: 'Starting bid', kind: 'money', currencyPath: 'auctionOptions.currency', showIf: listing('auction') },
    { path: 'auctionOptions.reserveAmount', label: 'Reserve', kind: 'money', currencyPath: 'auctionOptions.currency', showIf: listing('auction') },
    text('auctionOptions.currency', 'Currency', { showIf: listing('auction') }),
    { path: 'auctionOptions.startsAt', label: 'Auction starts', kind: 'datetime', showIf: listing('auction') },
    { path: 'auctionOptions.endsAt', label: 'Auction ends', kind: 'datetime', showIf: listing('auction') },
    { path: 'description', label: 'Description', kind: 'textarea' },
  ],
  invoices: [
    { path: 'customerId', label: 'Customer', kind: 'ref', ref: 'customers', required: true },
    text('currency', 'Currency', { hint: 'ISO 4217, one for all lines; empty: your default.' }),
    { path: 'issueDate', label: 'Issue date', kind: 'date' },
    { path: 'dueDate', label: 'Due date', kind: 'date' },
    { path: 'notes', label: 'Notes', kind: 'textarea' },
  ],
  leads: [
    { path: 'source', label: 'Source', kind: 'select', options: ['website', 'phone', 'walk-in', 'marketplace', 'adf', 'contact_form', 'test_drive', 'other'] },
    { path: 'customerId', label: 'Customer', kind: 'ref', ref: 'customers', emptyLabel: 'None (inline contact)' },
    text('contactName', 'Contact name'),
    { path: 'contactEmail', label: 'Contact email', kind: 'email', hint: 'Email or phone is required without a customer.' },
    text('contactPhone', 'Contact phone'),
    { path: 'interest', label: 'Interest', kind: 'select', options: ['buy', 'lease', 'sell', 'trade-in', 'test-drive', 'service'], emptyLabel: '—' },
    { path: 'motorId', label: 'Vehicle', kind: 'ref', ref: 'motors', emptyLabel: 'None' },
    { path: 'message', label: 'Message', kind: 'textarea' },
  ],
  workOrders: [
    { path: 'customerId', label: 'Customer', kind: 'ref', ref: 'customers', required: true },
    { path: 'motorId', label: 'Vehicle', kind: 'ref', ref: 'motors', required: true },
    text('currency', 'Currency', { hint: 'ISO 4217; empty: your default.' }),
    { path: 'mileageIn', label: 'Mileage in', kind: 'number' },
    { path: 'mileageOut', label: 'Mileage out', kind: 'number' },
    { path: 'promisedAt', label: 'Promised for', kind: 'datetime' },
    { path: 'notes', label: 'Notes', kind: 'textarea' },
  ],
};

/** The price a vehicle is offered at, from the options of its listing type. */
export function listingPrice(r: Rec): string {
  const o = (path: string) => getPath(r, path) as number | null | undefined;
  if (r.listingType === 'sale' && r.saleOptions) return formatMoney(o('saleOptions.priceAmount'), getPath(r, 'saleOptions.currency') as string);
  if (r.listingType === 'rental' && r.rentalOptions) return `${formatMoney(o('rentalOptions.dailyRateAmount'), getPath(r, 'rentalOptions.currency') as string)} / day`;
  if (r.listingType === 'auction' && r.auctionOptions) return `from ${formatMoney(o('auctionOptions.startingBidAmount'), getPath(r, 'auctionOptions.currency') as string)}`;
  return '—';
}

const status = (r: Rec) => humanStatus(String(r.displayStatus ?? r.status ?? '—'));

export const columns: Record<string, Column[]> = {
  customers: [
    { label: 'Name', value: recordTitle, sort: 'name' },
    { label: 'Email', value: (r) => String(r.email ?? '—'), sort: 'email' },
    { label: 'Phone', value: (r) => String(r.mobile ?? r.phone ?? '—'), sort: 'phone' },
    { label: 'Stage', value: (r) => String(r.lifecycleStage ?? '—').toLowerCase(), sort: 'lifecycleStage' },
  ],
  motors: [
    { label: 'Vehicle', value: recordTitle, sort: 'vehicle' },
    { label: 'VIN / stock', value: (r) => [r.vin, r.stockNumber].filter(Boolean).join(' · ') || '—', sort: 'vin' },
    { label: 'Listing', value: (r) => (r.listingType ? `${r.listingType} · ${r.listingStatus}` : 'not listed'), sort: 'listing' },
    { label: 'Price', value: listingPrice, sort: 'price' },
    { label: 'Status', value: status, sort: 'status' },
  ],
  invoices: [
    { label: 'Number', value: recordTitle, sort: 'number' },
    { label: 'Customer', value: (r) => String(r.customerId ?? ''), ref: 'customers' },
    { label: 'Status', value: status, sort: 'status' },
    { label: 'Total', value: (r) => formatMoney(r.totalAmount as number, r.currency as string), sort: 'totalAmount' },
    { label: 'Due', value: (r) => formatMoney(r.amountDue as number, r.currency as string), sort: 'amountDue' },
    { label: 'Due date', value: (r) => day(r.dueDate), sort: 'dueDate' },
  ],
  leads: [
    { label: 'Contact', value: recordTitle, sort: 'contactName' },
    { label: 'Source', value: (r) => String(r.source ?? '—'), sort: 'source' },
    { label: 'Interest', value: (r) => String(r.interest ?? '—'), sort: 'interest' },
    { label: 'Status', value: status, sort: 'status' },
  ],
  workOrders: [
    { label: 'Number', value: recordTitle, sort: 'number' },
    { label: 'Status', value: status, sort: 'status' },
    { label: 'Jobs', value: (r) => formatNumber(Array.isArray(r.jobs) ? r.jobs.length : 0) },
    { label: 'Total', value: (r) => formatMoney(r.totalAmount as number, r.currency as string), sort: 'totalAmount' },
    { label: 'Promised', value: (r) => when(r.promisedAt), sort: 'promisedAt' },
  ],
};

/** Columns of a collection without its own: its name and, when it has one, its status. */
export function columnsOf(collection: string, sample?: Rec): Column[] {
  if (columns[collection]) return columns[collection];
  // The name is whichever field recordTitle shows first; the list sorts by the first it offers.
  const cols: Column[] = [{ label: 'Name', value: recordTitle, sort: ['name', 'title', 'number', 'subject', 'policyNumber', 'contactName', 'buyerName'] }];
  if (sample && 'status' in sample) cols.push({ label: 'Status', value: status, sort: 'status' });
  if (sample && typeof sample.totalAmount === 'number') cols.push({ label: 'Total', value: (r) => formatMoney(r.totalAmount as number, r.currency as string), sort: 'totalAmount' });
  return cols;
}

export const formatWhen = when;
export const formatDay = day;
