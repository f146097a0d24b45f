import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isoInstant } from '../src/core/ids.ts';
import { PENDING_INSTANT, PENDING_INSTANT_ISO } from '../src/core/events.ts';

describe('isoInstant', () => {
  it('renders every instant exactly as toISOString, and throws as it does on an invalid date', () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), (d) => assert.equal(isoInstant(d), d.toISOString())),
      { numRuns: 5000 },
    );
    for (const d of [
      new Date(0),
      new Date(Date.UTC(999, 11, 31, 23, 59, 59, 999)),
      new Date(Date.UTC(1000, 0, 1)),
      new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)),
      new Date(8.64e15),
      new Date(-8.64e15),
      PENDING_INSTANT,
    ]) {
      assert.equal(isoInstant(d), d.toISOString());
    }
    assert.equal(isoInstant(PENDING_INSTANT), PENDING_INSTANT_ISO);
    assert.throws(() => isoInstant(new Date(Number.NaN)), RangeError);
  });
});
