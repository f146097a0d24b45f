import { useState, type FormEvent } from 'react';
import { api, ApiError, type Me } from '../api.ts';
import { FieldErrors, FormError, PageHeader, toApiError } from '../components/ui.tsx';
import { NewPassword } from '../components/new-password.tsx';

export function AccountPage({ me, onSignedOut }: { me: Me; onSignedOut: (message?: string) => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const mismatch = confirm.length > 0 && confirm !== next;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== confirm) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.changePassword(current, next);
      // The server ends every session of this user, this one included.
      onSignedOut('Password changed. Sign in with your new password.');
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title="Account & password" description="Your sign-in details for this dealership." />
      <section className="card">
        <h2>Profile</h2>
        <dl className="facts">
          <dt>Name</dt>
          <dd>{me.name || '—'}</dd>
          <dt>Email</dt>
          <dd>{me.email}</dd>
          <dt>Role</dt>
          <dd className="cap">{me.role}</dd>
          <dt>Dealership</dt>
          <dd>{me.tenantName}</dd>
        </dl>
      </section>
      <section className="card">
        <h2>Change password</h2>
        <p className="muted">Changing it signs you out everywhere, including here.</p>
        <form onSubmit={submit} className="form narrow">
          <FormError error={error} />
          <label className="field">
            <span>Current password</span>
            <input type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
            <FieldErrors error={error} field="currentPassword" />
          </label>
          <NewPassword error={error} field="newPassword" value={next} onChange={setNext} repeat={confirm} onRepeat={setConfirm} />
          <button type="submit" className="btn btn-primary" disabled={busy || mismatch}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
        </form>
      </section>
    </>
  );
}
