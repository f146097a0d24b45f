import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { requestHash } from '../src/core/idempotency.ts';
import { AppError } from '../src/core/errors.ts';

// A body nested thousands deep parses, but overflowed the stack when hashed for Idempotency-Key
// (a 500 found by test/fuzz.test.ts, only when its random cases landed on a route without a body
// schema). It is a 400 naming the body now.
describe('idempotency request hash', () => {
  it('is the same for the same request and differs for another body', () => {
    assert.equal(requestHash('POST', '/a', { x: 1 }), requestHash('POST', '/a', { x: 1 }));
    assert.notEqual(requestHash('POST', '/a', { x: 1 }), requestHash('POST', '/a', { x: 2 }));
  });

  it('refuses a body nested too deeply to serialise with a 400, not a crash', () => {
    let deep: unknown = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    assert.throws(
      () => requestHash('POST', '/a', deep),
      (err: unknown) => err instanceof AppError && err.status === 400 && /body: nested too deeply/.test(err.message),
    );
  });
});
