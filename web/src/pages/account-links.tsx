import { useState, type FormEvent, type ReactNode } from 'react';
import { staffApi, ApiError } from '../api.ts';
import { BASE, Link, navigate } from '../router.tsx';
import { FieldErrors, FormError, Loading, toApiError, useAsync } from '../components/ui.tsx';
import { NewPassword } from '../components/new-password.tsx';

// The pages a signed-out person reaches by a link: accepting an invitation, asking for a
// password reset, and setting the new password. They share the sign-in page's card.

function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="signin-page">
      <main className="signin-card" id="main">
        <div className="brand signin-brand">
          <span className="brand-mark" aria-hidden="true">
            M
          </span>
          <span className="brand-text">Motors CRM</span>
        </div>
        <h1>{title}</h1>
        {children}
      </main>
    </div>
  );
}

/** A link that is spent, expired or unknown: the server's reason, and where to go next. */
function LinkGone({ title, message, next }: { title: string; message: string; next: ReactNode }) {
  return (
    <Card title={title}>
      <FormError message={message} />
      {next}
    </Card>
  );
}

const backToSignIn = (
  <p className="muted small">
    <Link to={BASE}>Back to sign in</Link>
  </p>
);

export function InvitePage({ token, onSignedIn }: { token: string; onSignedIn: () => Promise<void> }) {
  const link = useAsync(() => staffApi.peekInvitation(token), [token]);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  if (link.loading) return <Loading label="Opening your invitation…" />;
  if (link.error || !link.data) return <LinkGone title="This invitation can't be used" message={link.error?.message ?? 'The invitation was not found.'} next={backToSignIn} />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password !== repeat) return;
    setBusy(true);
    setError(undefined);
    try {
      await staffApi.acceptInvitation(token, { name, password });
      navigate(BASE, true);
      await onSignedIn();
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };
  return (
    <Card title={`Join ${link.data.tenantName}`}>
      <p>
        You are invited as <strong className="cap">{link.data.role}</strong> with the email <strong>{link.data.email}</strong>. Choose your name and password.
      </p>
      <form onSubmit={submit}>
        <FormError error={error} />
        <label className="field">
          <span>Your name</span>
          <input name="name" autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} />
          <FieldErrors error={error} field="name" />
        </label>
        <NewPassword error={error} field="password" value={password} onChange={setPassword} repeat={repeat} onRepeat={setRepeat} />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || password !== repeat}>
          {busy ? 'Creating your account…' : 'Create account and sign in'}
        </button>
      </form>
    </Card>
  );
}

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [done, setDone] = useState<{ mailed: boolean }>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setDone(await staffApi.askReset(email));
    } catch (err) {
      setError(toApiError(err));
    }
    setBusy(false);
  };
  return (
    <Card title="Reset your password">
      {done ? (
        <div className="alert alert-info" role="status">
          {done.mailed
            ? `If ${email} has an account, a link to choose a new password is on its way. It works once, for 60 minutes.`
            : 'This server sends no mail. Ask the person who runs it for a reset link (npx motors users reset --email …), or an owner or admin of your dealership.'}
        </div>
      ) : (
        <form onSubmit={submit}>
          <FormError error={error} />
          <label className="field">
            <span>Email</span>
            <input type="email" name="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? 'Sending…' : 'Send me a reset link'}
          </button>
        </form>
      )}
      {backToSignIn}
    </Card>
  );
}

export function ResetPasswordPage({ token }: { token: string }) {
  const link = useAsync(() => staffApi.peekReset(token), [token]);
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  if (link.loading) return <Loading />;
  if (link.error || !link.data)
    return (
      <LinkGone
        title="This link can't be used"
        message={link.error?.message ?? 'The link was not found.'}
        next={
          <p className="muted small">
            <Link to={`${BASE}/reset`}>Ask for a new link</Link>
          </p>
        }
      />
    );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password !== repeat) return;
    setBusy(true);
    setError(undefined);
    try {
      await staffApi.reset(token, password);
      setDone(true);
    } catch (err) {
      setError(toApiError(err));
    }
    setBusy(false);
  };
  return (
    <Card title="Choose a new password">
      {done ? (
        <div className="alert alert-info" role="status">
          Your password is changed and every earlier session has ended. Sign in with the new one.
        </div>
      ) : (
        <form onSubmit={submit}>
          <p>
            For <strong>{link.data.email}</strong> at {link.data.tenantName}.
          </p>
          <FormError error={error} />
          <NewPassword error={error} field="password" value={password} onChange={setPassword} repeat={repeat} onRepeat={setRepeat} />
          <button type="submit" className="btn btn-primary btn-block" disabled={busy || password !== repeat}>
            {busy ? 'Saving…' : 'Set the new password'}
          </button>
        </form>
      )}
      {backToSignIn}
    </Card>
  );
}
