import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { feedNames, feedsReport } from '../../core/feeds.ts';
import { defineRoute, type Deps } from './route.ts';
import type { Surface } from './surfaces.ts';

// The left-out report, served to the dashboard (/manage/v1/feeds/report) and to API keys
// (/api/public/v1/feeds/report, motors:read) from one declaration.
const problem = z.object({ field: z.string().meta({ example: 'vin' }), message: z.string().meta({ example: 'invalid: 1HGCM82633A004353 fails the check digit (position 9)' }) });
const address = z.object({ street: z.string(), city: z.string(), region: z.string().nullable(), postalCode: z.string(), country: z.string() });

export const dealershipSchema = z
  .object({
    name: z.string().meta({ description: "The dealership's business name (defaults to the tenant's name)." }),
    storeCode: z.string().meta({ description: "Google's store_code: any identifier unique per dealership (defaults to one derived from the tenant id)." }),
    address: address.nullable(),
    phone: z.string().nullable(),
    vehicleUrlTemplate: z
      .string()
      .nullable()
      .meta({ description: "Each vehicle's page on the dealer's website, with {slug}, {id}, {vin} or {stockNumber}.", example: 'https://dealer.example/vehicles/{slug}' }),
    taxId: z.string().nullable().meta({ description: 'Printed on invoices and quotes (VAT number, EIN, ABN …).' }),
    paymentTerms: z.string().nullable().meta({ description: 'Printed on invoices.' }),
    timeZone: z.string().nullable().meta({ description: 'The IANA time zone the dashboard\'s "Today" counts days in; null means UTC.', example: 'America/Chicago' }),
    updatedAt: z.string().nullable(),
    problems: z.array(problem).meta({ description: 'Fields the feeds still need from the profile; each leaves every vehicle out until set.' }),
  })
  .meta({ id: 'Dealership' });

const reportSchema = z
  .object({
    generatedAt: z.string(),
    dealership: dealershipSchema,
    feeds: z.array(
      z.object({
        feed: z.enum(feedNames),
        listed: z.number().int().meta({ description: 'Listed vehicles (active listings of any type) looked at.' }),
        included: z.number().int(),
        leftOut: z.array(
          z.object({
            motorId: z.string(),
            name: z.string().meta({ example: '2019 Toyota Camry SE' }),
            vin: z.string().nullable(),
            stockNumber: z.string().nullable(),
            problems: z.array(problem).meta({ description: 'Every field that keeps the vehicle out of this feed.' }),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'FeedsReport' });

export function registerFeedsReport(app: FastifyInstance, deps: Deps, surface: Extract<Surface, 'records' | 'manage'>) {
  defineRoute(app, deps, surface, {
    method: 'GET',
    path: '/feeds/report',
    operationId: `${surface}GetFeedsReport`,
    scope: surface === 'records' ? 'motors:read' : null,
    summary: 'The inventory feeds report: each listed vehicle left out of a feed, and why',
    description:
      'For each feed (`google-vehicle-listings`, `meta-automotive`): how many listed vehicles it includes, and each one left out with every field that keeps it out (`vin` invalid by its check digit or listed on two vehicles, a missing price, mileage, photo, body style or colour, a rental or auction listing, a sold unit, or a dealership profile without an address or vehicle page address).',
    tags: [surface === 'records' ? 'Records API' : 'Management API'],
    responses: { 200: z.object({ data: reportSchema }) },
    handler: async (ctx) => ({ body: { data: await feedsReport(ctx) } }),
  });
}
