import { z } from 'zod';
import { plausibleInstant } from './fields.ts';

// What the Records and CRM APIs' event log routes share (each renders it in its own style).

export const eventLogDescription =
  'Every event of the key’s dealership and environment (the ones webhooks deliver, whether or not an endpoint subscribes), newest first. Each item is the body a webhook receiver gets for the event: `data` is the record as the Records API returns it at the time of the change (docs/webhooks.md lists every event). Filter with `type` (names or wildcards such as `crm.invoices.*`, comma-separated; one that matches no event is a 400 naming `type`) and the time range `since` (inclusive) / `until` (exclusive). Events are kept `EVENT_RETENTION_DAYS` days (default 30).';

export const eventTypeParam = z
  .string()
  .max(2000)
  .optional()
  .transform((v) =>
    v
      ? v
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean)
      : undefined,
  )
  .meta({ description: 'Event names or wildcards, comma-separated: `crm.invoices.*,crm.payments.created`.', example: 'crm.invoices.*' });

export const timeParam = (description: string) => plausibleInstant().optional().meta({ description, example: '2026-01-01T00:00:00.000Z' });

export const eventTimeRange = {
  since: timeParam('Only events created at or after this ISO 8601 instant.'),
  until: timeParam('Only events created before this ISO 8601 instant.'),
};

export const eventLogItem = <K extends 'createdAt' | 'created_at'>(createdAt: K) =>
  z.object({
    id: z.string(),
    event: z.string(),
    ...({ [createdAt]: z.string() } as Record<K, z.ZodString>),
    environment: z.enum(['live', 'test']),
    data: z.record(z.string(), z.unknown()),
  });
