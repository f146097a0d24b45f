import { useState, type FormEvent } from 'react';
import { feedsApi, type CreatedFeedToken, type Dealership, type DealershipInput, type Environment, type FeedName, type FeedToken, type Me } from '../api.ts';
import { ConfirmDialog } from '../components/confirm.tsx';
import { ShowOnce, ShowOnceDialog } from '../components/show-once.tsx';
import { Empty, EnvBadge, ErrorBox, FieldErrors, FormError, Loading, Modal, PageHeader, toApiError, useAsync } from '../components/ui.tsx';
import type { ApiError } from '../api.ts';
import { formatDateTime, relativeTime } from '../lib/format.ts';
import { Link } from '../router.tsx';
import { recordsPath } from './records.tsx';

// Tools & reports → Inventory feeds: the addresses Google Merchant Center and Meta Commerce
// Manager fetch, the dealership profile printed beside every vehicle, and the vehicles left out.
const feedLabel: Record<FeedName, string> = { 'google-vehicle-listings': 'Google Vehicle Listings', 'meta-automotive': 'Meta automotive catalog' };
const absolute = (path: string) => `${location.origin}${path}`;

export function FeedsPage({ me, env }: { me: Me; env: Environment }) {
  const admin = me.role !== 'member';
  const report = useAsync(() => feedsApi.report(), [env]);
  return (
    <>
      <PageHeader
        title="Inventory feeds"
        description="Your listed vehicles for sale as feeds Google and Meta fetch on their own schedule: a full snapshot each time, with only the vehicles that have everything the marketplace requires."
      />
      {admin ? <FeedAddresses env={env} /> : <Empty title="Only owners and admins manage feed addresses">Ask an owner or admin of {me.tenantName} for the feed URLs.</Empty>}
      <DealershipCard admin={admin} onSaved={report.reload} />
      <section className="card" aria-label="Left-out report">
        <div className="table-tools split">
          <h2>Vehicles left out</h2>
          <button type="button" className="btn btn-small" onClick={report.reload}>
            Refresh
          </button>
        </div>
        {report.loading && !report.data && <Loading label="Checking the listed vehicles…" />}
        {report.error && <ErrorBox error={report.error} onRetry={report.reload} />}
        {report.data &&
          report.data.feeds.map((feed) => (
            <div key={feed.feed} className="feed-report" data-feed={feed.feed}>
              <h3>
                {feedLabel[feed.feed]}: <span data-testid={`included-${feed.feed}`}>{feed.included}</span> of {feed.listed} listed vehicles included
              </h3>
              {feed.leftOut.length === 0 ? (
                <p className="muted">Every listed vehicle is in this feed.</p>
              ) : (
                <div className="table-wrap">
                  <table className="table" aria-label={`Left out of ${feedLabel[feed.feed]}`}>
                    <thead>
                      <tr>
                        <th>Vehicle</th>
                        <th>VIN</th>
                        <th>Why it is left out</th>
                      </tr>
                    </thead>
                    <tbody>
                      {feed.leftOut.map((v) => (
                        <tr key={v.motorId} data-motor-id={v.motorId}>
                          <td data-label="Vehicle">
                            <Link to={recordsPath('motors', v.motorId)}>{v.name || v.motorId}</Link>
                            {v.stockNumber && <div className="muted small">{v.stockNumber}</div>}
                          </td>
                          <td data-label="VIN">
                            <code>{v.vin ?? '—'}</code>
                          </td>
                          <td data-label="Why">
                            <ul className="plain">
                              {v.problems.map((p) => (
                                <li key={p.field + p.message}>
                                  <code>{p.field}</code> {p.message}
                                </li>
                              ))}
                            </ul>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </div>
          ))}
      </section>
    </>
  );
}

function FeedAddresses({ env }: { env: Environment }) {
  const tokens = useAsync(() => feedsApi.tokens(), [env]);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedFeedToken>();
  const [revoking, setRevoking] = useState<FeedToken>();
  const live = (tokens.data ?? []).filter((t) => !t.revokedAt);
  return (
    <section className="card flush" aria-label="Feed addresses">
      <div className="table-tools split">
        <h2>Feed addresses</h2>
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
          + Create feed address
        </button>
      </div>
      {tokens.loading && !tokens.data && <Loading label="Loading feed addresses…" />}
      {tokens.error && <ErrorBox error={tokens.error} onRetry={tokens.reload} />}
      {tokens.data && live.length === 0 && <Empty title={`No ${env} feed addresses`}>Create one and paste its URLs into Google Merchant Center and Meta Commerce Manager as a scheduled feed.</Empty>}
      {live.length > 0 && (
        <div className="table-wrap">
          <table className="table" aria-label="Feed addresses">
            <thead>
              <tr>
                <th>Name</th>
                <th>Token</th>
                <th>Env</th>
                <th>Created</th>
                <th>Last fetched</th>
                <th className="right">Actions</th>
              </tr>
            </thead>
            <tbody>
              {live.map((t) => (
                <tr key={t.id} data-token-id={t.id}>
                  <td data-label="Name">
                    <strong>{t.name}</strong>
                  </td>
                  <td data-label="Token">
                    <code>{t.prefix}…</code>
                  </td>
                  <td data-label="Environment">
                    <EnvBadge env={t.environment} />
                  </td>
                  <td data-label="Created" title={formatDateTime(t.createdAt)}>
                    {relativeTime(t.createdAt)}
                  </td>
                  <td data-label="Last fetched" title={formatDateTime(t.lastUsedAt)}>
                    {relativeTime(t.lastUsedAt)}
                  </td>
                  <td className="right actions" data-label="Actions">
                    <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => setRevoking(t)} aria-label={`Revoke ${t.name}`}>
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CreateFeedDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(t) => {
          setCreating(false);
          setCreated(t);
          tokens.reload();
        }}
      />
      <ShowOnceDialog
        shown={created}
        title="Feed address created"
        onDone={() => setCreated(undefined)}
        render={(t) => (
          <ShowOnce
            warning="Copy the URLs now: the token is shown only this once. Anyone with a URL can read your listed vehicles, so give it only to the marketplace."
            values={[
              { label: 'Google Vehicle Listings (TSV)', value: absolute(t.googleVehicleListingsUrl), testId: 'feed-url' },
              { label: 'Meta automotive catalog (CSV)', value: absolute(t.metaAutomotiveUrl), testId: 'feed-url' },
            ]}
            doneLabel="Done"
            onDone={() => setCreated(undefined)}
          />
        )}
      />
      <ConfirmDialog
        open={Boolean(revoking)}
        title="Revoke this feed address?"
        confirmLabel="Revoke"
        danger
        onClose={() => setRevoking(undefined)}
        onConfirm={async () => {
          await feedsApi.revokeToken(revoking!.id);
          tokens.reload();
        }}
      >
        Its feeds answer 404 from now on: a marketplace still fetching <strong>{revoking?.name}</strong> drops your vehicles at its next fetch.
      </ConfirmDialog>
    </section>
  );
}

function CreateFeedDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (t: CreatedFeedToken) => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onCreated(await feedsApi.createToken(name.trim()));
      setName('');
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} title="Create a feed address" onClose={onClose}>
      <form onSubmit={submit} className="form">
        {error && <ErrorBox error={error} />}
        <label className="field">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Google Merchant Center" maxLength={100} />
          <small className="muted">So you recognise it later, e.g. the marketplace that fetches it.</small>
        </label>
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

const emptyAddress = { street: '', city: '', region: '', postalCode: '', country: '' };

function DealershipCard({ admin, onSaved }: { admin: boolean; onSaved: () => void }) {
  const profile = useAsync(() => feedsApi.dealership(), []);
  return (
    <section className="card" aria-label="Dealership">
      <h2>Dealership</h2>
      <p className="muted">Printed beside every vehicle in both feeds. The store code is any identifier unique to this showroom; Google matches offers by it.</p>
      {profile.loading && !profile.data && <Loading />}
      {profile.error && <ErrorBox error={profile.error} onRetry={profile.reload} />}
      {profile.data && <DealershipForm profile={profile.data} admin={admin} onSaved={() => (profile.reload(), onSaved())} />}
    </section>
  );
}

// The zones this browser knows (IANA names); the server checks the one chosen against its own list.
const timeZones: string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

function DealershipForm({ profile, admin, onSaved }: { profile: Dealership; admin: boolean; onSaved: () => void }) {
  const [form, setForm] = useState({
    name: profile.name,
    storeCode: profile.storeCode,
    phone: profile.phone ?? '',
    vehicleUrlTemplate: profile.vehicleUrlTemplate ?? '',
    taxId: profile.taxId ?? '',
    paymentTerms: profile.paymentTerms ?? '',
    timeZone: profile.timeZone ?? '',
    ...(profile.address ? { ...profile.address, region: profile.address.region ?? '' } : emptyAddress),
  });
  const [error, setError] = useState<ApiError>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => {
    setSaved(false);
    setForm({ ...form, [k]: e.target.value });
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const anyAddress = [form.street, form.city, form.postalCode, form.country].some((v) => v.trim());
    const input: DealershipInput = {
      name: form.name,
      storeCode: form.storeCode,
      phone: form.phone || null,
      vehicleUrlTemplate: form.vehicleUrlTemplate || null,
      taxId: form.taxId || null,
      paymentTerms: form.paymentTerms || null,
      timeZone: form.timeZone || null,
      address: anyAddress ? { street: form.street, city: form.city, region: form.region || null, postalCode: form.postalCode, country: form.country } : null,
    };
    try {
      await feedsApi.updateDealership(input);
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const field = (k: keyof typeof form, label: string, apiField: string, extra: { placeholder?: string; hint?: string; maxLength?: number; wide?: boolean } = {}) => (
    <label className={`field${extra.wide ? ' span-all' : ''}`} key={k}>
      <span>{label}</span>
      <input name={k} value={form[k]} onChange={set(k)} disabled={!admin} placeholder={extra.placeholder} maxLength={extra.maxLength} />
      {extra.hint && <small className="muted">{extra.hint}</small>}
      <FieldErrors error={error} field={apiField} />
    </label>
  );
  return (
    <form onSubmit={submit} className="form" aria-label="Dealership profile">
      {profile.problems.length > 0 && (
        <div className="alert alert-warn" role="status" data-testid="dealership-problems">
          The feeds still need: {profile.problems.map((p) => p.message).join('; ')}.
        </div>
      )}
      <FormError error={error} />
      {saved && (
        <div className="alert alert-info" role="status">
          Saved. The feeds use it from their next fetch.
        </div>
      )}
      <div className="form-grid">
        {field('name', 'Dealership name', 'name', { maxLength: 200 })}
        {field('storeCode', 'Store code', 'storeCode', { maxLength: 64, hint: 'Letters, digits, - and _.' })}
        {field('street', 'Street address', 'address.street')}
        {field('city', 'City', 'address.city')}
        {field('region', 'State / region', 'address.region')}
        {field('postalCode', 'Postal code', 'address.postalCode')}
        {field('country', 'Country (2 letters)', 'address.country', { placeholder: 'US', maxLength: 2 })}
        {field('phone', 'Phone', 'phone')}
        {field('vehicleUrlTemplate', 'Vehicle page address', 'vehicleUrlTemplate', {
          placeholder: 'https://your-site.example/vehicles/{slug}',
          hint: 'Each vehicle’s page on your website, with {slug}, {id}, {vin} or {stockNumber}.',
          wide: true,
        })}
        {field('taxId', 'Tax id', 'taxId', { maxLength: 60, hint: 'VAT number, EIN, ABN …: printed on invoices and quotes.' })}
        <label className="field">
          <span>Time zone</span>
          <select name="timeZone" value={form.timeZone} onChange={set('timeZone')} disabled={!admin}>
            <option value="">UTC (default)</option>
            {(form.timeZone && !timeZones.includes(form.timeZone) ? [form.timeZone, ...timeZones] : timeZones).map((z) => (
              <option key={z} value={z}>
                {z.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
          <small className="muted">Which calendar day Today shows.{browserZone && browserZone !== form.timeZone ? ` This computer is in ${browserZone.replace(/_/g, ' ')}.` : ''}</small>
          <FieldErrors error={error} field="timeZone" />
        </label>
        {field('paymentTerms', 'Payment terms', 'paymentTerms', { maxLength: 1000, hint: 'Printed on invoices, e.g. “Due within 30 days by bank transfer to …”.', wide: true })}
      </div>
      {admin && (
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save dealership'}
        </button>
      )}
    </form>
  );
}
