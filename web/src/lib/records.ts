// Record pages' logic without the DOM: status transitions, titles, search, edit patches.
// Unit-tested in test/dashboard-ui.test.ts.

export type Rec = { id: string; [field: string]: unknown };

/**
 * The lifecycles the server enforces (core/invoices.ts, work-orders.ts, leads.ts …), so the page
 * offers only the moves that can succeed. The server stays the judge: a refused move shows its error.
 */
export const transitions: Record<string, Record<string, readonly string[]>> = {
  invoices: { draft: ['sent', 'void'], sent: ['paid', 'void'], paid: [], void: [] },
  quotes: { draft: ['sent'], sent: ['accepted', 'declined', 'expired'], accepted: [], declined: [], expired: [] },
  purchaseOrders: { draft: ['ordered', 'cancelled'], ordered: ['received', 'cancelled'], received: [], cancelled: [] },
  marketplaceOrders: { pending: ['paid', 'cancelled'], paid: ['shipped', 'cancelled'], shipped: ['completed'], completed: [], cancelled: [] },
  workOrders: {
    estimate: ['approved', 'cancelled'],
    approved: ['in_progress', 'cancelled'],
    in_progress: ['completed', 'cancelled'],
    completed: ['invoiced', 'in_progress'],
    invoiced: [],
    cancelled: [],
  },
  leads: { new: ['contacted', 'qualified', 'lost'], contacted: ['qualified', 'won', 'lost'], qualified: ['won', 'lost'], won: [], lost: [] },
};

const verbs: Record<string, string> = {
  sent: 'Mark as sent',
  paid: 'Mark as paid',
  void: 'Void',
  accepted: 'Mark as accepted',
  declined: 'Mark as declined',
  expired: 'Mark as expired',
  ordered: 'Mark as ordered',
  received: 'Mark as received',
  cancelled: 'Cancel',
  shipped: 'Mark as shipped',
  completed: 'Mark as completed',
  approved: 'Approve',
  in_progress: 'Start work',
  invoiced: 'Create invoice',
  contacted: 'Mark as contacted',
  qualified: 'Mark as qualified',
  won: 'Mark as won',
  lost: 'Mark as lost',
};
// Moves that can't be undone get a confirmation and a danger style.
const final = new Set(['void', 'cancelled', 'lost', 'declined', 'paid', 'invoiced', 'received', 'completed', 'won', 'expired', 'accepted']);

export type StatusAction = { to: string; label: string; danger: boolean; final: boolean };

/** The buttons for a record's status: one per allowed next status, in lifecycle order. */
export function statusActions(collection: string, status: unknown): StatusAction[] {
  const lifecycle = transitions[collection];
  if (!lifecycle || typeof status !== 'string') return [];
  return (lifecycle[status] ?? []).map((to) => ({
    to,
    label: collection === 'workOrders' && status === 'completed' && to === 'in_progress' ? 'Reopen' : (verbs[to] ?? `Mark as ${humanStatus(to)}`),
    danger: ['void', 'cancelled', 'lost', 'declined'].includes(to),
    final: final.has(to) && (lifecycle[to] ?? []).length === 0,
  }));
}

export const humanStatus = (s: string) => s.replace(/_/g, ' ');

/** A paid invoice is a record of money received: the server refuses to delete it, so no Delete is offered. */
export const deletable = (collection: string, r: Rec) => !(collection === 'invoices' && (r.status === 'paid' || Number(r.amountPaid) > 0));

export function statusTone(status: string): 'ok' | 'warn' | 'err' | 'muted' {
  if (['paid', 'won', 'completed', 'accepted', 'received', 'invoiced', 'succeeded', 'active', 'published'].includes(status)) return 'ok';
  if (['void', 'cancelled', 'lost', 'declined', 'expired', 'overdue', 'dead', 'closed', 'archived'].includes(status)) return 'err';
  if (['sent', 'in_progress', 'approved', 'contacted', 'qualified', 'ordered', 'shipped', 'pending', 'failed', 'reserved'].includes(status)) return 'warn';
  return 'muted';
}

/** A human name for any record: the fields collections use for it, in order of preference. */
export function recordTitle(r: Rec): string {
  const vehicle = r.vehicleOfInterest as { year?: number | null; make?: string | null; model?: string | null } | null | undefined;
  for (const key of ['displayName', 'name', 'number', 'title', 'contactName', 'companyName', 'subject', 'fullName', 'email', 'contactEmail']) {
    const v = r[key];
    if (typeof v === 'string' && v.trim()) return v;
  }
  const first = [r.firstName, r.lastName].filter((x) => typeof x === 'string' && x).join(' ');
  if (first) return first;
  if (vehicle && (vehicle.make || vehicle.model)) return [vehicle.year, vehicle.make, vehicle.model].filter(Boolean).join(' ');
  return `#${r.id.slice(-8)}`;
}

/**
 * Client-side search over the records of the current page (the management API has no search):
 * every word must appear in some text, number or nested value of the record.
 */
export function matchesSearch(r: Rec, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const haystack = JSON.stringify(r).toLowerCase();
  return words.every((w) => haystack.includes(w));
}

// Fields the server computes; they are shown, never sent back (the input schemas are strict).
const computed = new Set([
  'id',
  'createdAt',
  'updatedAt',
  'deletedAt',
  'displayName',
  'name',
  'slug',
  'viewsCount',
  'isListed',
  'vinCheckDigitValid',
  'number',
  'subtotalAmount',
  'taxAmount',
  'totalAmount',
  'overdue',
  'displayStatus',
  'amountPaid',
  'amountDue',
  'sentAt',
  'paidAt',
  'voidedAt',
  'invoiceId',
  'publishedAt',
]);
const computedLine = new Set(['id', 'subtotalAmount', 'taxAmount', 'totalAmount']);

const stripLine = (l: Record<string, unknown>) => Object.fromEntries(Object.entries(l).filter(([k]) => !computedLine.has(k)));

/** A record as an update body: computed fields dropped, lines and jobs reduced to their inputs. */
export function toInput(r: Rec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (computed.has(k)) continue;
    if (k === 'lines' && Array.isArray(v)) out[k] = v.map((l) => stripLine(l as Record<string, unknown>));
    else if (k === 'jobs' && Array.isArray(v))
      out[k] = v.map((j) => {
        const job = stripLine(j as Record<string, unknown>);
        if (Array.isArray(job.lines)) job.lines = job.lines.map((l) => stripLine(l as Record<string, unknown>));
        return job;
      });
    else out[k] = v;
  }
  return out;
}

/** Only the top-level fields that changed: a partial update that leaves the rest (and locked lines) alone. */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(after)) {
    if (JSON.stringify(v) !== JSON.stringify(before[k])) patch[k] = v;
  }
  // A field removed in the JSON editor means "clear it".
  for (const k of Object.keys(before)) if (!(k in after)) patch[k] = null;
  return patch;
}

/** Reads a dotted path ("saleOptions.priceAmount"). */
export function getPath(obj: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

/** Writes a dotted path immutably, creating the objects on the way (a listing's first price). */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  if (!rest.length) return { ...obj, [head]: value };
  const inner = obj[head] && typeof obj[head] === 'object' ? (obj[head] as Record<string, unknown>) : {};
  return { ...obj, [head]: setPath(inner, rest.join('.'), value) };
}

/** Dashboard address segment ↔ API collection: friendly names for the main pages, the API name for the rest. */
export const slugs: Record<string, string> = { vehicles: 'motors', 'work-orders': 'workOrders' };
export const collectionOf = (slug: string) => slugs[slug] ?? slug;
export const slugOf = (collection: string) => Object.entries(slugs).find(([, c]) => c === collection)?.[0] ?? collection;
