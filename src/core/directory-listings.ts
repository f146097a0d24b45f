import type { Ctx } from './context.ts';
import { directoryListings } from '../storage/schema/index.ts';
import { defineCollection, defined } from './collection.ts';
import { merged, plainView, requireFields, type RecordInput } from './record-helpers.ts';

export type DirectoryListingRow = typeof directoryListings.$inferSelect;
export type DirectoryListingInput = RecordInput<typeof directoryListings>;
export const directoryListingView = (row: DirectoryListingRow) => plainView(row);
export type DirectoryListingView = ReturnType<typeof directoryListingView>;

export const directoryListingCollection = defineCollection({
  name: 'directoryListings',
  label: 'Directory listing',
  table: directoryListings,
  view: directoryListingView,
  pure: true,
  prepare: async (_ctx, input: DirectoryListingInput, current) => {
    const patch = defined(input);
    requireFields(merged(current, patch), ['directory', 'name']);
    return patch;
  },
});

export const createDirectoryListing = (ctx: Ctx, input: DirectoryListingInput) => directoryListingCollection.create(ctx, input);
