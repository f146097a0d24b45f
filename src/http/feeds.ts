import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { stringify } from 'csv-stringify';
import type { Ctx } from '../core/context.ts';
import { AppError } from '../core/errors.ts';
import { feedColumns, feedRows, feedVersion, type FeedName } from '../core/feeds.ts';
import { resolveIntakeToken, touchIntakeToken } from '../core/intake-tokens.ts';
import { notModified } from './platform/conditional.ts';
import type { Deps } from './platform/route.ts';
import { rateLimitHeaders } from './platform/rate-limit.ts';
import { errorSchemas } from './platform/surfaces.ts';

// GET /feeds/<token>/<file>: the address a marketplace is given to fetch the inventory on its
// schedule (Google Merchant Center, Meta Commerce Manager), made and revoked in the dashboard.
// The token is the whole credential and opens only these two files of its tenant and environment;
// an unknown, revoked or ADF intake token is a 404 that says no more.

type FeedFile = { feed: FeedName; path: string; contentType: string; delimiter: string; operationId: string; summary: string; description: string };

const files: FeedFile[] = [
  {
    feed: 'google-vehicle-listings',
    path: '/feeds/:token/google-vehicle-listings.tsv',
    contentType: 'text/tab-separated-values; charset=utf-8',
    delimiter: '\t',
    operationId: 'feedsGetGoogleVehicleListings',
    summary: 'Google Vehicle Listings feed (TSV)',
    description:
      "The dealership's listed vehicles for sale as a Google Vehicle Listings / vehicle ads feed: tab-separated, a header row of Google's attribute names, one vehicle a row, every fetch a full snapshot. Columns: vin, id (stock number), store_code, dealership_name, dealership_address, tracking_phone_number, price (`24900.00 USD`), condition (new|used), make, model, trim, year, mileage (`45000 miles`, used only), exterior_color, interior_color, body_style, image_link, additional_image_link (comma-separated), link. A vehicle missing a field Google requires (a VIN with a valid check digit, price, make, model, year, mileage when used, a photo, its page) is left out; `GET /manage/v1/feeds/report` names each and why. Values never contain tabs or line breaks.",
  },
  {
    feed: 'meta-automotive',
    path: '/feeds/:token/meta-automotive.csv',
    contentType: 'text/csv; charset=utf-8',
    delimiter: ',',
    operationId: 'feedsGetMetaAutomotive',
    summary: 'Meta automotive catalog feed (CSV)',
    description:
      "The dealership's listed vehicles for sale as a Meta (Facebook) automotive inventory catalog feed: CSV with Meta's flattened column names (`mileage.value`, `image[0].url`, `address.city`), every fetch a full snapshot. Columns: vehicle_id, vin, title, description, url, make, model, year, trim, mileage.value, mileage.unit (MI|KM), image[0..4].url and .tag[0], body_style (CONVERTIBLE, COUPE, HATCHBACK, MINIVAN, TRUCK, SUV, SEDAN, VAN, WAGON, CROSSOVER or OTHER), exterior_color, interior_color, transmission, fuel_type, drivetrain, price (`24900.00 USD`), state_of_vehicle (NEW|USED), availability, stock_number, dealer_name, dealer_phone, address.addr1, address.city, address.region, address.postal_code, address.country. A vehicle missing a field Meta requires (VIN, body style, exterior colour, a photo, its page, price …) is left out; the report names each and why.",
  },
];

const FETCHES_PER_MINUTE = 60;

export function registerFeeds(app: FastifyInstance, deps: Deps) {
  const db = deps.database.db;
  for (const file of files) {
    app.withTypeProvider<ZodTypeProvider>().get(
      file.path,
      {
        schema: {
          operationId: file.operationId,
          summary: file.summary,
          description: `${file.description}\n\nNo API key: the token in the path (\`feed-…\`, from the dashboard's Inventory feeds page) identifies the dealership and environment. Send \`If-None-Match\` (the \`ETag\`) or \`If-Modified-Since\` to be answered 304 while nothing in the feed changed.`,
          tags: ['Inventory feeds'],
          security: [],
          params: z.object({ token: z.string().min(1).max(200).meta({ description: 'The feed token, `feed-` and 26 letters and digits.', example: 'feed-k3v7q2m5x9b4n6c8d2f5g7h3j4' }) }),
          response: {
            200: { description: 'The feed, streamed.', content: { [file.contentType.split(';')[0]]: { schema: z.string() } } },
            304: {
              description: 'Not Modified: the feed is still the one of the ETag sent in If-None-Match (or unchanged since If-Modified-Since).',
              content: { 'text/plain': { schema: z.string() } },
            },
            404: { description: 'No such feed: the token is unknown, malformed or revoked.', content: { 'application/json': { schema: errorSchemas.crm } } },
            429: { description: 'Fetched more than 60 times in a minute; retry after `Retry-After` seconds.', content: { 'application/json': { schema: errorSchemas.crm } } },
          },
        } as never,
      },
      async (req, reply) => {
        const token = await resolveIntakeToken(db, (req.params as { token: string }).token, 'feed');
        const decision = await deps.rateLimiter.consume(`feed:${token.id}`, FETCHES_PER_MINUTE);
        reply.headers(rateLimitHeaders(decision));
        if (!decision.allowed) {
          throw new AppError('rate_limited', `This feed was fetched more than ${decision.limit} times a minute; retry in ${decision.resetIn} s`, {
            headers: { 'retry-after': String(decision.resetIn) },
          });
        }
        const ctx: Ctx = {
          tenantId: token.tenantId,
          environment: token.environment,
          scopes: ['motors:read'],
          actor: { type: 'system', id: `feed:${token.id}` },
          requestId: req.id,
          db,
        };
        touchIntakeToken(db, token).catch((err) => req.log.warn({ err }, 'feed token touch failed'));
        // Read before the rows: a write landing during the stream makes the next fetch's ETag differ,
        // so a marketplace never keeps an older copy under a newer tag.
        const version = await feedVersion(ctx, file.feed);
        reply.header('etag', version.etag).header('last-modified', version.lastModified.toUTCString()).header('cache-control', 'private, no-cache');
        if (notModified(req.headers, version)) return reply.code(304).send();
        const csv = stringify({
          delimiter: file.delimiter,
          header: true,
          columns: feedColumns[file.feed],
          // TSV has no quoting (Google reads each tab as a column break), so values carry no tab or
          // line break (core/feeds.ts folds whitespace); CSV quotes what needs it.
          ...(file.delimiter === '\t' ? { quote: false } : {}),
        });
        const source = Readable.from(feedRows(ctx, file.feed));
        source.on('error', (err) => {
          req.log.error({ err }, 'feed stream failed');
          csv.destroy(err);
        });
        return reply.type(file.contentType).send(source.pipe(csv));
      },
    );
  }
}
