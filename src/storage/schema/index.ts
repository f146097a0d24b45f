export * from './tenants.ts';
export * from './users.ts';
export * from './api-keys.ts';
export * from './idempotency-keys.ts';
export * from './events.ts';
export * from './settings.ts';
export * from './customers.ts';
export * from './newsletter-subscribers.ts';
