import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiQuery, ariaSort, changed, columnSort, lastPage, listSearch, nextSort, pageWithin, parseListState } from '../web/src/lib/list-state.ts';
import { sortFields } from '../src/core/sorting.ts';
import { columns } from '../web/src/lib/record-config.ts';

// The records lists' URL state (web/src/lib/list-state.ts): what the address holds, what a
// change does to it, and what the server is asked for.

describe('dashboard: a list’s state in the URL', () => {
  it('reads page, size, sort, search, the deleted view and typed filters, with defaults for nonsense', () => {
    assert.deepEqual(parseListState('?view=deleted&q=hart&status=sent&sort=-email&limit=50&page=3'), {
      page: 3,
      limit: 50,
      sort: '-email',
      q: 'hart',
      deleted: true,
      filters: { status: 'sent' },
    });
    assert.deepEqual(parseListState('?page=-2&limit=7&sort='), { page: 1, limit: 25, sort: undefined, q: '', deleted: false, filters: {} });
    assert.equal(parseListState('?page=abc').page, 1);
  });

  it('writes the defaults out of the address and round-trips the rest', () => {
    assert.equal(listSearch(parseListState('')), '');
    assert.equal(listSearch(parseListState('?page=1&limit=25')), '');
    const search = '?view=deleted&q=hart&status=sent&sort=-email&limit=50&page=3';
    assert.equal(listSearch(parseListState(search)), search);
  });

  it('starts again at page 1 on any change but the page’s', () => {
    const s = parseListState('?sort=email&page=4');
    assert.equal(changed(s, { page: 5 }).page, 5);
    assert.equal(changed(s, { limit: 10 }).page, 1);
    assert.equal(changed(s, { sort: '-email' }).page, 1);
    assert.equal(changed(s, { q: 'x' }).page, 1);
    assert.equal(changed(s, { limit: 10 }).sort, 'email', 'the rest stays');
  });

  it('asks the server for the page, or for every page (the CSV export)', () => {
    const s = parseListState('?q=%20hart%20&status=sent&sort=-email&page=2&view=deleted');
    assert.equal(apiQuery(s).toString(), 'page=2&limit=25&deleted=true&q=hart&status=sent&sort=-email');
    assert.equal(apiQuery(s, { paging: false }).toString(), 'deleted=true&q=hart&status=sent&sort=-email');
  });

  it('sorts ascending first, then descending, and says so in aria-sort', () => {
    assert.equal(nextSort(undefined, 'email'), 'email');
    assert.equal(nextSort('email', 'email'), '-email');
    assert.equal(nextSort('-email', 'email'), 'email');
    assert.equal(nextSort('-updatedAt', 'name'), 'name');
    assert.equal(ariaSort('email', 'email'), 'ascending');
    assert.equal(ariaSort('-email', 'email'), 'descending');
    assert.equal(ariaSort(null, 'email'), 'none');
    assert.equal(ariaSort('-emailAddress', 'email'), 'none');
  });

  it('keeps a typed page number within the pages', () => {
    assert.equal(lastPage(0, 25), 1);
    assert.equal(lastPage(51, 25), 3);
    assert.equal(pageWithin('2', 3), 2);
    assert.equal(pageWithin('99', 3), 3);
    assert.equal(pageWithin('0', 3), 1);
    assert.equal(pageWithin('', 3), undefined);
    assert.equal(pageWithin('two', 3), undefined);
  });

  it('sorts each column of the main lists by a key the server offers', () => {
    for (const [collection, cols] of Object.entries(columns)) {
      for (const c of cols) {
        if (c.sort === undefined) continue;
        assert.ok(columnSort(c.sort, sortFields(collection)), `${collection} column ${c.label} sorts by ${c.sort}, not in ${sortFields(collection)}`);
      }
    }
    assert.equal(columnSort(['name', 'title'], ['title', 'updatedAt']), 'title');
    assert.equal(columnSort('jobs', ['updatedAt']), undefined);
  });
});
