// A refused save in words: "Line 1 description: enter at least 1 character", never
// `body.lines.0.description: must be at least 1 character`. The server names each field in words
// (`label`, src/core/field-label.ts) and phrases what is wrong (src/http/validation-messages.ts);
// the dashboard only puts its own form labels in place where it has them and says the server's
// phrase as an instruction. Unit-tested in test/field-errors.test.ts.

export type FieldError = { field: string; label?: string; message: string };

/** The field a form calls `path`: the request's `body.<path>`, or a core error naming `path`. */
export const errorFor = (fields: readonly FieldError[], path: string): FieldError | undefined =>
  fields.find((f) => f.field === path || f.field === `body.${path}`) ?? fields.find((f) => f.field.endsWith(`.${path}`));

// The server's phrases (validation-messages.ts and core's own) read as what to do in a form.
const instructions: [RegExp, string][] = [
  [/^must be an email address$/, 'enter a valid e-mail address'],
  [/^must be a URL$/, 'enter a full web address (http:// or https://)'],
  [/^must be one of /, 'choose one of '],
  [/^must have /, 'add '],
  [/^must be (at least|at most|exactly|between|a |an )/, 'enter $1'],
  [/^(is required|required|must not be empty)$/, 'fill this in'],
];
export function asInstruction(message: string): string {
  for (const [from, to] of instructions) if (from.test(message)) return message.replace(from, to);
  return message;
}

/** One field's error as a sentence; `labels` are the form's own names for its fields, by path. */
export function describeFieldError(f: FieldError, labels: Readonly<Record<string, string>> = {}): string {
  const path = f.field.replace(/^(body|query|params)\./, '');
  return `${labels[path] ?? f.label ?? path}: ${asInstruction(f.message)}`;
}

/** What a refused request says: each field in words when it names fields, else its message. */
export function describeError(error: { message: string; fields: readonly FieldError[] }, labels: Readonly<Record<string, string>> = {}): string[] {
  return error.fields.length ? error.fields.map((f) => describeFieldError(f, labels)) : [error.message];
}
