// A field's path in words, for people: the CSV import's report and the management API's field
// errors (which the dashboard shows) say "Line 1 description", never `lines.0.description`.
// The one home of that rule: the dashboard gets the words from the server (`label` in an error's
// `details`) and only puts its own form labels in their place where it has them.

const acronyms = /\b(vin|sku|id|url|vat|iso)\b/g;

/** A list's name for one of its items: `lines` → "line", `media` → "media item". */
function singular(word: string): string {
  if (word === 'media') return 'media item';
  if (/ies$/.test(word)) return word.replace(/ies$/, 'y');
  if (/(x|ss|ch|sh)es$/.test(word)) return word.replace(/es$/, '');
  if (/s$/.test(word)) return word.replace(/s$/, '');
  return `${word} item`;
}

/**
 * `firstName` → "First name", `saleOptions.priceAmount` → "Sale options: price amount",
 * `lines.0.description` → "Line 1 description", `jobs.1.lines.0.unitAmount` → "Job 2 line 1 unit amount".
 */
export function fieldLabel(path: string): string {
  const parts = path.split('.').filter(Boolean);
  let text = '';
  let afterItem = false;
  for (const [i, part] of parts.entries()) {
    const words = part.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
    if (/^\d+$/.test(part)) continue; // said with the list's name below
    const index = parts[i + 1];
    const piece = index !== undefined && /^\d+$/.test(index) ? `${singular(words)} ${Number(index) + 1}` : words;
    text = text ? `${text}${afterItem ? ' ' : ': '}${piece}` : piece;
    afterItem = piece !== words;
  }
  if (!text) return path;
  text = text.replace(acronyms, (w) => w.toUpperCase());
  return text.charAt(0).toUpperCase() + text.slice(1);
}
