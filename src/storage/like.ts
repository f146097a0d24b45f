/** A LIKE/ILIKE pattern matching `s` literally: `%`, `_` and the escape character itself lose their meaning. */
export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

/** A pattern matching any text that contains `s` (literally). */
export const containing = (s: string) => `%${escapeLike(s)}%`;
