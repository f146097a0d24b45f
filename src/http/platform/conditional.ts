// Conditional GETs (RFC 9110 13.1), shared by every route that answers 304 Not Modified.

/** If-None-Match (13.1.2): `*` or a list of tags, weak or strong, one of which is the current one. */
export function ifNoneMatch(header: string | string[] | undefined, current: string): boolean {
  if (!header) return false;
  const tags = (Array.isArray(header) ? header.join(',') : header).split(',').map((t) => t.trim().replace(/^W\//, ''));
  return tags.includes('*') || tags.includes(current);
}

/**
 * Whether a GET may be answered 304: If-None-Match decides when sent (13.1.3: If-Modified-Since
 * is then ignored); otherwise If-Modified-Since, at the second precision of HTTP dates.
 */
export function notModified(headers: { 'if-none-match'?: string | string[]; 'if-modified-since'?: string }, current: { etag: string; lastModified: Date }): boolean {
  if (headers['if-none-match']) return ifNoneMatch(headers['if-none-match'], current.etag);
  const since = headers['if-modified-since'] ? Date.parse(headers['if-modified-since']) : NaN;
  return !Number.isNaN(since) && Math.floor(current.lastModified.getTime() / 1000) * 1000 <= since;
}
