import { useState, type FormEvent } from 'react';
import { staffApi, ApiError, type Invitation, type Me, type Role } from '../api.ts';
import { ConfirmDialog } from '../components/confirm.tsx';
import { ShowOnce } from '../components/show-once.tsx';
import { ErrorBox, FieldErrors, Loading, PageHeader, toApiError, useAsync } from '../components/ui.tsx';
import { formatDateTime } from '../lib/format.ts';

// Settings › Team: who can sign in to this dealership, and invitations for new people. An
// invitation is a single-use link shown once, to send yourself (copy, or a prepared mail).

const roleHelp: Record<Role, string> = {
  owner: 'everything, including inviting owners',
  admin: 'everything but inviting owners: keys, webhooks, feeds, people',
  member: 'customers, vehicles, invoices, leads and the other records',
};

export function TeamPage({ me }: { me: Me }) {
  const users = useAsync(() => staffApi.users(), []);
  const canInvite = me.role !== 'member';
  const invitations = useAsync(() => (canInvite ? staffApi.invitations() : Promise.resolve([] as Invitation[])), [canInvite]);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<Invitation & { url: string }>();
  const [withdrawing, setWithdrawing] = useState<Invitation>();

  const invite = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setSent(await staffApi.invite({ email, role }));
      setEmail('');
      invitations.reload();
    } catch (err) {
      setError(toApiError(err));
    }
    setBusy(false);
  };

  const mailto = (i: Invitation & { url: string }) =>
    `mailto:${encodeURIComponent(i.email)}?subject=${encodeURIComponent(`Join ${me.tenantName} on Motors CRM`)}&body=${encodeURIComponent(
      `Hello,\n\nyou are invited to the ${me.tenantName} dashboard as ${i.role}. Open this link to create your account (it works once, until ${formatDateTime(i.expiresAt)}):\n\n${i.url}\n`,
    )}`;

  return (
    <>
      <PageHeader title="Team" description={`The people who sign in to ${me.tenantName}.`} />
      <section className="card">
        <h2>People</h2>
        {users.loading && !users.data ? (
          <Loading />
        ) : users.error ? (
          <ErrorBox error={users.error} onRetry={users.reload} />
        ) : (
          <div className="table-wrap">
            <table className="table" aria-label="Staff users">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Since</th>
                </tr>
              </thead>
              <tbody>
                {users.data?.map((u) => (
                  <tr key={u.id}>
                    <td>
                      {u.name}
                      {u.id === me.userId && <span className="muted"> (you)</span>}
                    </td>
                    <td>
                      <a href={`mailto:${u.email}`}>{u.email}</a>
                    </td>
                    <td className="cap">{u.role}</td>
                    <td>{formatDateTime(u.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {canInvite && (
        <section className="card">
          <h2>Invite someone</h2>
          <p className="muted">They get a link that works once, for 72 hours, to create their own password.</p>
          <form className="form narrow" onSubmit={invite}>
            {error && !error.fields.length && <ErrorBox error={error} />}
            <label className="field">
              <span>Their email</span>
              <input type="email" name="invite-email" required value={email} onChange={(e) => setEmail(e.target.value)} />
              <FieldErrors error={error} field="email" />
            </label>
            <label className="field">
              <span>Role</span>
              <select name="invite-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
                {(['member', 'admin', 'owner'] as const)
                  .filter((r) => r !== 'owner' || me.role === 'owner')
                  .map((r) => (
                    <option key={r} value={r}>
                      {r[0].toUpperCase() + r.slice(1)} — {roleHelp[r]}
                    </option>
                  ))}
              </select>
              <FieldErrors error={error} field="role" />
            </label>
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Creating…' : 'Create invitation link'}
            </button>
          </form>
          {sent && (
            <ShowOnce
              live="status"
              warning={
                <>
                  <strong>Invitation for {sent.email}</strong> ({sent.role}). This link is shown only now: send it to them.
                </>
              }
              values={[{ value: sent.url, testId: 'invite-url', copyLabel: 'Copy link' }]}
              actions={
                <a className="btn btn-small" href={mailto(sent)}>
                  Write the mail
                </a>
              }
              doneLabel="Done"
              onDone={() => setSent(undefined)}
            />
          )}
          <h3>Invitations</h3>
          {invitations.error ? (
            <ErrorBox error={invitations.error} onRetry={invitations.reload} />
          ) : !invitations.data?.length ? (
            <p className="muted">No invitations yet.</p>
          ) : (
            <div className="table-wrap">
              <table className="table" aria-label="Invitations">
                <thead>
                  <tr>
                    <th scope="col">Email</th>
                    <th scope="col">Role</th>
                    <th scope="col">Status</th>
                    <th scope="col">Expires</th>
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {invitations.data.map((i) => (
                    <tr key={i.id}>
                      <td>{i.email}</td>
                      <td className="cap">{i.role}</td>
                      <td className="cap">{i.status}</td>
                      <td>{i.status === 'pending' ? formatDateTime(i.expiresAt) : '—'}</td>
                      <td>
                        {i.status === 'pending' && (
                          <button type="button" className="btn btn-small btn-danger" aria-label={`Withdraw the invitation of ${i.email}`} onClick={() => setWithdrawing(i)}>
                            Withdraw
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
      <ConfirmDialog
        open={Boolean(withdrawing)}
        title="Withdraw this invitation?"
        confirmLabel="Withdraw"
        danger
        onConfirm={async () => {
          await staffApi.revokeInvitation(withdrawing!.id);
          invitations.reload();
        }}
        onClose={() => setWithdrawing(undefined)}
      >
        The link sent to {withdrawing?.email} stops working at once. You can invite them again later.
      </ConfirmDialog>
    </>
  );
}
