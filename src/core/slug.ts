/**
 * The one slug rule (catalog names, motors, blog posts, storefront vehicles): accents dropped,
 * lower case, every run of other characters one `-`, none at either end. May be empty.
 */
export const slugify = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** A catalog name's slug: `&` and `+` spelled out (`A&B` → `a-and-b`), never empty. */
export const catalogSlug = (s: string) => slugify(s.replace(/&/g, ' and ').replace(/\+/g, ' plus ')) || 'x';
