import type { Ctx } from './context.ts';
import { customers, employees, motors, quotes, workOrders, workOrderSearchFields, type StoredJob } from '../storage/schema/index.ts';
import { defineCollection, defined } from './collection.ts';
import { invalidField } from './errors.ts';
import { newId } from './ids.ts';
import { assertReferences } from './references.ts';
import { computeLines, documentBaseView, lineAsInput, prepareDocument, type DocumentInputBase, type DocumentLineInput, type Lifecycle } from './documents.ts';
import { createInvoice } from './invoices.ts';
import { createdFilter, filter } from './search.ts';

export type WorkOrderRow = typeof workOrders.$inferSelect;
export const workOrderStatuses = ['estimate', 'approved', 'in_progress', 'completed', 'invoiced', 'cancelled'] as const;
export type WorkOrderStatus = (typeof workOrderStatuses)[number];

// The repair-order chain shared by workshop systems: estimate → approved → in progress →
// complete → invoiced. Moving to `invoiced` creates the invoice from the authorised jobs' lines.
export const workOrderLifecycle: Lifecycle<WorkOrderStatus> = {
  initial: 'estimate',
  next: {
    estimate: ['approved', 'cancelled'],
    approved: ['in_progress', 'cancelled'],
    in_progress: ['completed', 'cancelled'],
    completed: ['invoiced', 'in_progress'],
    invoiced: [],
    cancelled: [],
  },
  locked: ['invoiced', 'cancelled'],
};

export type JobInput = {
  title: string;
  concern?: string | null;
  findings?: string | null;
  authorized?: boolean;
  technicianEmployeeId?: string | null;
  lines?: DocumentLineInput[];
};

export type WorkOrderInput = Omit<DocumentInputBase<WorkOrderStatus>, 'lines'> & {
  customerId?: string;
  motorId?: string;
  jobs?: JobInput[];
  assignedEmployeeIds?: string[];
  mileageIn?: number | null;
  mileageOut?: number | null;
  promisedAt?: string | null;
  quoteId?: string | null;
};

export function workOrderView(row: WorkOrderRow) {
  const { lines: _lines, ...base } = documentBaseView(row);
  return {
    ...base,
    status: row.status as WorkOrderStatus,
    customerId: row.customerId,
    motorId: row.motorId,
    jobs: row.jobs,
    assignedEmployeeIds: row.assignedEmployeeIds,
    mileageIn: row.mileageIn,
    mileageOut: row.mileageOut,
    promisedAt: row.promisedAt?.toISOString() ?? null,
    quoteId: row.quoteId,
    invoiceId: row.invoiceId,
    metadata: row.metadata,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}
export type WorkOrderView = ReturnType<typeof workOrderView>;

/** Computes every job's lines and totals in one pass, so the order's totals are the exact sum. */
async function computeJobs(ctx: Ctx, jobs: JobInput[], currency: string | undefined) {
  const flat = jobs.flatMap((j) => j.lines ?? []);
  const totals = await computeLines(ctx, flat, { currency });
  let at = 0;
  const stored: StoredJob[] = jobs.map((j) => {
    const lines = totals.lines.slice(at, at + (j.lines?.length ?? 0));
    at += lines.length;
    const sum = (k: 'subtotalAmount' | 'taxAmount' | 'totalAmount') => lines.reduce((n, l) => n + l[k], 0);
    return {
      id: newId(),
      title: j.title,
      concern: j.concern ?? null,
      findings: j.findings ?? null,
      authorized: j.authorized ?? false,
      technicianEmployeeId: j.technicianEmployeeId ?? null,
      lines,
      subtotalAmount: sum('subtotalAmount'),
      taxAmount: sum('taxAmount'),
      totalAmount: sum('totalAmount'),
    };
  });
  return { ...totals, jobs: stored };
}

const jobAsInput = (j: StoredJob): JobInput => ({ ...j, lines: j.lines.map(lineAsInput) });

export const workOrderCollection = defineCollection({
  name: 'workOrders',
  label: 'Work order',
  table: workOrders,
  view: workOrderView,
  createInOneStatement: true,
  search: {
    fields: workOrderSearchFields(workOrders),
    text: workOrders.searchText,
    filters: {
      status: filter.equals(workOrders.status, 'status', workOrderStatuses),
      customerId: filter.equals(workOrders.customerId, "the customer's id"),
      motorId: filter.equals(workOrders.motorId, "the motor's id"),
      totalAmount: filter.amount(workOrders.totalAmount, 'total (minor units)'),
      created: createdFilter(workOrders.createdAt),
    },
  },
  prepare: async (ctx, input: WorkOrderInput, current) => {
    if (!current && !input.customerId) throw invalidField('customerId', 'required');
    if (!current && !input.motorId) throw invalidField('motorId', 'required');
    await assertReferences(ctx, {
      customerId: [customers, input.customerId],
      motorId: [motors, input.motorId],
      quoteId: [quotes, input.quoteId],
      ...Object.fromEntries((input.assignedEmployeeIds ?? []).map((id, i) => [`assignedEmployeeIds[${i}]`, [employees, id]])),
      ...Object.fromEntries((input.jobs ?? []).map((j, i) => [`jobs[${i}].technicianEmployeeId`, [employees, j.technicianEmployeeId]])),
    });
    const mileageIn = input.mileageIn !== undefined ? input.mileageIn : current?.mileageIn;
    const mileageOut = input.mileageOut !== undefined ? input.mileageOut : current?.mileageOut;
    if (mileageIn != null && mileageOut != null && mileageOut < mileageIn) throw invalidField('mileageOut', `must not be below mileageIn (${mileageIn})`);

    const { jobs, status, currency, assignedEmployeeIds, promisedAt, ...rest } = input;
    // The document machinery checks the status change and allocates the number; jobs are
    // priced here (a document's `lines` are the jobs' lines, flattened).
    const doc = await prepareDocument(
      ctx,
      { type: 'workOrder', label: 'work order', lifecycle: workOrderLifecycle },
      { status, currency: current ? undefined : currency, lines: current ? undefined : [] },
      current,
    );
    const out: Partial<WorkOrderRow> = defined({ ...rest, ...doc }) as Partial<WorkOrderRow>;
    if (assignedEmployeeIds) out.assignedEmployeeIds = [...new Set(assignedEmployeeIds)];
    if (promisedAt !== undefined) out.promisedAt = promisedAt ? new Date(promisedAt) : null;
    if (!current || jobs !== undefined || (currency !== undefined && currency.toUpperCase() !== current.currency)) {
      if (current && workOrderLifecycle.locked.includes(current.status as WorkOrderStatus)) {
        throw invalidField('jobs', `a ${current.status} work order's jobs can no longer change`);
      }
      const priced = await computeJobs(ctx, jobs ?? current?.jobs.map(jobAsInput) ?? [], currency ?? current?.currency);
      Object.assign(out, { jobs: priced.jobs, lines: priced.lines, currency: priced.currency, subtotalAmount: priced.subtotalAmount, taxAmount: priced.taxAmount, totalAmount: priced.totalAmount });
    }
    if (current && out.status === 'invoiced' && current.status !== 'invoiced') {
      const finalJobs = (out.jobs ?? current.jobs).filter((j) => j.authorized);
      if (!finalJobs.length) throw invalidField('status', 'no authorised job to invoice; authorise at least one job first');
      const invoice = await createInvoice(ctx, {
        customerId: out.customerId ?? current.customerId,
        currency: out.currency ?? current.currency,
        lines: finalJobs.flatMap((j) => j.lines.map(lineAsInput)),
        quoteId: out.quoteId ?? current.quoteId,
        notes: `Work order ${current.number}`,
        metadata: { workOrderId: current.id, workOrderNumber: current.number },
      });
      out.invoiceId = invoice.id;
    }
    return out;
  },
});
