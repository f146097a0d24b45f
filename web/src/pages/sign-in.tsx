import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { FormError, toApiError } from '../components/ui.tsx';
import { BASE, Link } from '../router.tsx';

export function SignIn({ notice, onSignedIn }: { notice: string; onSignedIn: () => Promise<void> }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.signIn(email, password);
      await onSignedIn();
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  const message = error ? (error.status === 401 ? 'Wrong email or password. Check both and try again; or reset your password with the link below.' : error.message) : '';

  return (
    <div className="signin-page">
      <form className="signin-card" onSubmit={submit} noValidate={false}>
        <div className="brand signin-brand">
          <span className="brand-mark" aria-hidden="true">
            M
          </span>
          <span className="brand-text">Motors CRM</span>
        </div>
        <h1>Sign in to your dealership</h1>
        {notice && !error && (
          <div className="alert alert-info" role="status">
            {notice}
          </div>
        )}
        <FormError message={message} />
        <label className="field">
          <span>Email</span>
          <input type="email" name="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label className="field">
          <span>Password</span>
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="small">
          <Link to={`${BASE}/reset`}>Forgot your password?</Link>
        </p>
        <p className="muted small">First start? The server printed how to sign in in its console. New here? Ask an owner or admin of your dealership for an invitation.</p>
      </form>
    </div>
  );
}
