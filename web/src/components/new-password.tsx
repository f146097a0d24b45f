import type { ApiError } from '../api.ts';
import { FieldErrors } from './ui.tsx';

/**
 * The new password twice, with the rule shown before it is broken: on the Account page (changing it)
 * and on the invitation and reset links (choosing one).
 */
export function NewPassword({
  error,
  field,
  value,
  onChange,
  repeat,
  onRepeat,
}: {
  error?: ApiError;
  field: string;
  value: string;
  onChange: (v: string) => void;
  repeat: string;
  onRepeat: (v: string) => void;
}) {
  return (
    <>
      <div className="field">
        <label htmlFor="new-password">New password</label>
        <input id="new-password" type="password" autoComplete="new-password" required minLength={8} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby="pw-hint" />
        <small id="pw-hint" className="muted">
          At least 8 characters.
        </small>
        <FieldErrors error={error} field={field} />
      </div>
      <label className="field">
        <span>Repeat the new password</span>
        <input type="password" autoComplete="new-password" required value={repeat} onChange={(e) => onRepeat(e.target.value)} aria-invalid={repeat.length > 0 && repeat !== value} />
        {repeat.length > 0 && repeat !== value && <span className="field-error">The two new passwords don't match.</span>}
      </label>
    </>
  );
}
