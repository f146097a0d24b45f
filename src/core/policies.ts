import type { Ctx } from './context.ts';
import { customers, motors, policies } from '../storage/schema/index.ts';
import { defineCollection, defined } from './collection.ts';
import { invalidField } from './errors.ts';
import { assertReferences } from './references.ts';
import { merged, plainView, requireCurrency, requireFields, type RecordInput } from './record-helpers.ts';

export type PolicyRow = typeof policies.$inferSelect;
export type PolicyInput = RecordInput<typeof policies>;
export const policyView = (row: PolicyRow) => plainView(row);
export type PolicyView = ReturnType<typeof policyView>;

export const policyCollection = defineCollection({
  name: 'policies',
  label: 'Policy',
  table: policies,
  view: policyView,
  prepare: async (ctx, input: PolicyInput, current) => {
    const patch = defined(input);
    const next = merged(current, patch);
    requireFields(next, ['type', 'provider', 'customerId', 'startsOn']);
    requireCurrency(next, 'currency', 'premiumAmount');
    // ISO dates (YYYY-MM-DD) order as strings.
    if (next.endsOn && String(next.endsOn) <= String(next.startsOn)) {
      throw invalidField('endsOn', `must be after startsOn (${String(next.startsOn)})`);
    }
    await assertReferences(ctx, { customerId: [customers, input.customerId], motorId: [motors, input.motorId] });
    return patch;
  },
});

export const createPolicy = (ctx: Ctx, input: PolicyInput) => policyCollection.create(ctx, input);
