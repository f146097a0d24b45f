import { z } from 'zod';
import { directoryListingCollection } from '../../core/directory-listings.ts';
import { directories, directoryListingStatuses } from '../../storage/schema/index.ts';
import { recordCollection } from './collection-routes.ts';
import { metadata, recordId, recordTimestamps } from './record-fields.ts';
import { webUrl } from '../platform/fields.ts';

const fields = {
  directory: z.enum(directories).meta({ description: 'Required.', example: 'google' }),
  name: z.string().trim().min(1).max(200).meta({ description: 'The business name as listed. Required.', example: 'Demo Motors Fremont' }),
  url: webUrl().nullable().meta({ description: 'The public listing page.', example: 'https://maps.google.com/?cid=1234567890' }),
  address: z.string().trim().max(500).nullable().meta({ example: '2200 Auto Mall Dr, Fremont, CA 94538' }),
  phone: z.string().trim().max(40).nullable().meta({ example: '+1 510 555 0100' }),
  categories: z
    .array(z.string().trim().min(1).max(100))
    .max(50)
    .meta({ example: ['Car dealer', 'Used car dealer', 'Auto repair shop'] }),
  status: z.enum(directoryListingStatuses).meta({ description: 'Defaults to pending.', example: 'active' }),
  externalId: z.string().trim().max(200).nullable().meta({ description: "The directory's own id for the listing.", example: 'ChIJ2eUgeAK6j4ARbn5u_wAGqWA' }),
  metadata,
};

const input = z.strictObject(fields).partial();
const create = input.required({ directory: true, name: true }).meta({
  id: 'DirectoryListingCreate',
  example: { directory: 'google', name: 'Demo Motors Fremont', url: 'https://maps.google.com/?cid=1234567890', categories: ['Car dealer'], status: 'active' },
});
const update = input.meta({ id: 'DirectoryListingUpdate', example: { status: 'suspended' } });

export const directoryListingRecord = z.object({ id: recordId, ...fields, ...recordTimestamps }).meta({ id: 'DirectoryListing' });

export const directoryListingRoutes = recordCollection({
  name: 'directoryListings',
  singular: 'directory listing',
  plural: 'directory listings',
  description: "The dealership's entries in business directories (Google Business Profile, Yelp, Facebook, AutoTrader …).",
  record: directoryListingRecord,
  create,
  update,
  ops: directoryListingCollection,
});
