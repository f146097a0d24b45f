import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decimalToMinor, divRoundHalfUp, formatScaled, lineAmounts, minorToDecimal, parseScaled } from '../src/core/money.ts';

// An independent exact reference: decimals as fractions of BigInts, rounding decided by
// comparing twice the remainder with the denominator.
type Fraction = { n: bigint; d: bigint };
const fraction = (text: string): Fraction => {
  const [w, f = ''] = text.split('.');
  return { n: BigInt(w + f), d: 10n ** BigInt(f.length) };
};
const times = (a: Fraction, b: Fraction): Fraction => ({ n: a.n * b.n, d: a.d * b.d });
function roundHalfUp(x: Fraction): bigint {
  const q = x.n / x.d;
  const r = x.n % x.d;
  return r * 2n >= x.d ? q + 1n : q;
}
const thousandths = (t: number) => `${Math.floor(t / 1000)}.${String(t % 1000).padStart(3, '0')}`;

describe('money: exact line arithmetic', () => {
  it('adds 3 × 19.99 and 0.1 × 0.20 to exactly 59.99', () => {
    const a = lineAmounts(parseScaled(3, 3, 'q'), 1999n, 0n);
    const b = lineAmounts(parseScaled(0.1, 3, 'q'), 20n, 0n);
    assert.equal(a.totalAmount + b.totalAmount, 5999n);
  });

  it('rounds half away from zero, once per line amount', () => {
    assert.equal(divRoundHalfUp(5n, 10n), 1n);
    assert.equal(divRoundHalfUp(4n, 10n), 0n);
    assert.equal(divRoundHalfUp(15n, 10n), 2n);
    assert.equal(divRoundHalfUp(-15n, 10n), -2n);
    assert.equal(divRoundHalfUp(-14n, 10n), -1n);
    // 1.5 h × 33.33 = 49.995 → 50.00; tax 7.125% of 50.00 = 3.5625 → 3.56
    assert.deepEqual(lineAmounts(1500n, 3333n, 7125n), { subtotalAmount: 5000n, taxAmount: 356n, totalAmount: 5356n });
  });

  it('parses decimals exactly and refuses more places than allowed or exponent notation', () => {
    assert.equal(parseScaled(0.1, 3, 'q'), 100n);
    assert.equal(parseScaled('7.125', 3, 'q'), 7125n);
    assert.equal(parseScaled(-2.5, 3, 'q'), -2500n);
    assert.throws(() => parseScaled(1.2345, 3, 'lines[0].quantity'), /lines\[0\]\.quantity: at most 3 decimal places/);
    assert.throws(() => parseScaled(1e-7, 3, 'q'), /q: must be a decimal/);
    assert.throws(() => parseScaled('abc', 3, 'q'), /q: must be a decimal/);
    assert.equal(formatScaled(1500n, 3), '1.5');
    assert.equal(formatScaled(-5n, 3), '-0.005');
    assert.equal(formatScaled(20000n, 3), '20');
  });

  it('converts decimal amounts to minor units by the currency exponent', () => {
    assert.equal(decimalToMinor(100.0, 'USD'), 10000);
    assert.equal(decimalToMinor('19.99', 'GBP'), 1999);
    assert.equal(decimalToMinor(500, 'JPY'), 500);
    assert.equal(decimalToMinor('1.234', 'KWD'), 1234);
    assert.throws(() => decimalToMinor(19.999, 'USD'), /amount: at most 2 decimal places/);
    assert.equal(minorToDecimal(5999, 'USD'), 59.99);
  });

  it('matches an exact rational reference for any quantity, price and tax rate', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ q: fc.integer({ min: 1, max: 10_000_000 }), unit: fc.integer({ min: 0, max: 100_000_000 }), rate: fc.integer({ min: 0, max: 100_000 }) }), {
          minLength: 1,
          maxLength: 40,
        }),
        (lines) => {
          let total = 0n;
          let expected = 0n;
          for (const l of lines) {
            const amounts = lineAmounts(parseScaled(thousandths(l.q), 3, 'q'), BigInt(l.unit), parseScaled(thousandths(l.rate), 3, 'r'));
            total += amounts.totalAmount;
            const subtotal = roundHalfUp(times(fraction(thousandths(l.q)), { n: BigInt(l.unit), d: 1n }));
            const tax = roundHalfUp(times({ n: subtotal, d: 1n }, times(fraction(thousandths(l.rate)), { n: 1n, d: 100n })));
            assert.equal(amounts.subtotalAmount, subtotal);
            assert.equal(amounts.taxAmount, tax);
            expected += subtotal + tax;
          }
          assert.equal(total, expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
