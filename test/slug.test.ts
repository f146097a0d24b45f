import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { slugify } from '../src/core/slug.ts';
import { catalogSlug } from '../src/core/slug.ts';
import { containing, escapeLike } from '../src/storage/like.ts';

describe('slugs and LIKE patterns (one rule each)', () => {
  it('slugs drop accents, lower the case and join words with one dash', () => {
    assert.equal(slugify('  Škoda Octavia — RS 245!  '), 'skoda-octavia-rs-245');
    assert.equal(slugify('***'), '');
  });

  it('catalog slugs spell out & and + and are never empty', () => {
    assert.equal(catalogSlug('Rolls & Royce'), 'rolls-and-royce');
    assert.equal(catalogSlug('C+ Sport'), 'c-plus-sport');
    assert.equal(catalogSlug('—'), 'x');
  });

  it('a LIKE pattern matches % _ and \\ literally', () => {
    assert.equal(escapeLike('50%_off\\'), '50\\%\\_off\\\\');
    assert.equal(containing('a_b'), '%a\\_b%');
  });
});
