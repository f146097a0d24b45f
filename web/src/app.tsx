import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { api, setEnvironment, setUnauthorizedHandler, type Environment, type Me } from './api.ts';
import { BASE, Link, navigate, usePath } from './router.tsx';
import { Loading } from './components/ui.tsx';
import { SignIn } from './pages/sign-in.tsx';
import { ForgotPasswordPage, InvitePage, ResetPasswordPage } from './pages/account-links.tsx';
import { GlobalSearch } from './components/record-search.tsx';
import { TodayPage } from './pages/today.tsx';
import { NotFoundPage } from './pages/not-found.tsx';

// Split by route: the landing page (Today), sign-in and the 404 come with the first script; every
// other page is a chunk fetched the first time it is opened (Vite makes one per dynamic import).
const KeysPage = lazy(() => import('./pages/keys.tsx').then((m) => ({ default: m.KeysPage })));
const RequestLogPage = lazy(() => import('./pages/request-log.tsx').then((m) => ({ default: m.RequestLogPage })));
const QuickStartPage = lazy(() => import('./pages/quick-start.tsx').then((m) => ({ default: m.QuickStartPage })));
const AccountPage = lazy(() => import('./pages/account.tsx').then((m) => ({ default: m.AccountPage })));
const WebhooksPage = lazy(() => import('./pages/webhooks.tsx').then((m) => ({ default: m.WebhooksPage })));
const RecordsPage = lazy(() => import('./pages/records.tsx').then((m) => ({ default: m.RecordsPage })));
const FeedsPage = lazy(() => import('./pages/feeds.tsx').then((m) => ({ default: m.FeedsPage })));
const LeadsInboxPage = lazy(() => import('./pages/leads-inbox.tsx').then((m) => ({ default: m.LeadsInboxPage })));
const AdfForwardingPage = lazy(() => import('./pages/adf-forwarding.tsx').then((m) => ({ default: m.AdfForwardingPage })));
const TeamPage = lazy(() => import('./pages/team.tsx').then((m) => ({ default: m.TeamPage })));
const ImportPage = lazy(() => import('./pages/import.tsx').then((m) => ({ default: m.ImportPage })));

const ENV_STORAGE = 'motors.environment';
/** Where signing in and the brand lead: the Today page. */
const HOME = `${BASE}/today`;

type NavItem = { to: string; label: string; soon?: boolean };
const nav: { heading: string; sub?: string; items: NavItem[] }[] = [
  {
    heading: 'Today',
    items: [{ to: `${BASE}/today`, label: 'Today' }],
  },
  {
    heading: 'Records',
    items: [
      { to: `${BASE}/records/customers`, label: 'Customers' },
      { to: `${BASE}/records/vehicles`, label: 'Vehicles' },
      { to: `${BASE}/records/invoices`, label: 'Invoices' },
      { to: `${BASE}/leads`, label: 'Leads' },
      { to: `${BASE}/records/work-orders`, label: 'Work orders' },
      { to: `${BASE}/records`, label: 'All records' },
      { to: `${BASE}/tools/import`, label: 'Import CSV' },
    ],
  },
  {
    heading: 'Tools & reports',
    sub: 'API integrations',
    items: [
      { to: `${BASE}/integrations/keys`, label: 'API keys' },
      { to: `${BASE}/integrations/requests`, label: 'Request log' },
      { to: `${BASE}/integrations/quick-start`, label: 'Quick start' },
      { to: `${BASE}/integrations/webhooks`, label: 'Webhooks' },
      { to: `${BASE}/integrations/feeds`, label: 'Inventory feeds' },
      { to: `${BASE}/integrations/adf-forwarding`, label: 'ADF forwarding' },
    ],
  },
  {
    heading: 'Settings',
    items: [
      { to: `${BASE}/settings/account`, label: 'Account & password' },
      { to: `${BASE}/settings/team`, label: 'Team' },
      { to: `${BASE}/settings/integrations/api-keys`, label: 'Integrations › API keys' },
    ],
  },
];

// A detail page (a record, an endpoint) keeps its section highlighted.
const isActive = (path: string, to: string) => path === to || (to !== `${BASE}/records` && path.startsWith(`${to}/`));

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [notice, setNotice] = useState<string>('');
  const [env, setEnv] = useState<Environment>(() => (localStorage.getItem(ENV_STORAGE) === 'live' ? 'live' : 'test'));
  setEnvironment(env);
  const path = usePath();

  const signedOut = useCallback((message = '') => {
    setNotice(message);
    setMe(null);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => signedOut('Your session has ended. Sign in again to continue.'));
    api.me().then(setMe, () => setMe(null));
  }, [signedOut]);

  const switchEnv = (next: Environment) => {
    localStorage.setItem(ENV_STORAGE, next);
    setEnvironment(next);
    setEnv(next);
    // A record lives in one environment: the switch shows the list it came from, never "not found".
    const list = location.pathname.replace(/^(\/dashboard\/(?:records\/[^/]+|leads|integrations\/webhooks))\/[^/]+\/?$/, '$1');
    if (list !== location.pathname) navigate(list);
  };

  // The pages of a link someone opens signed out (an invitation, a password reset).
  const signedOutPage = linkPage(path, async () => {
    setNotice('');
    setMe(await api.me());
  });
  if (signedOutPage) return signedOutPage;
  if (me === undefined) return <Loading label="Opening the dashboard…" />;
  if (me === null)
    return (
      <SignIn
        notice={notice}
        onSignedIn={async () => {
          setNotice('');
          setMe(await api.me());
          if (location.pathname.replace(/\/+$/, '') === BASE) navigate(HOME, true);
        }}
      />
    );
  return <Shell me={me} env={env} onEnv={switchEnv} onSignedOut={signedOut} />;
}

function linkPage(pathname: string, onSignedIn: () => Promise<void>) {
  const p = pathname.slice(BASE.length);
  const [, page, token] = p.split('/');
  if (page === 'invite' && token) return <InvitePage token={token} onSignedIn={onSignedIn} />;
  if (page === 'reset' && token) return <ResetPasswordPage token={token} />;
  if (page === 'reset') return <ForgotPasswordPage />;
  return null;
}

function Shell({ me, env, onEnv, onSignedOut }: { me: Me; env: Environment; onEnv: (e: Environment) => void; onSignedOut: (message?: string) => void }) {
  const path = usePath();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);
  useEffect(() => {
    if (path === BASE) navigate(HOME, true);
  }, [path]);

  const signOut = async () => {
    await api.signOut().catch(() => undefined);
    onSignedOut('You are signed out.');
  };

  return (
    <div className={`shell env-${env}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className={`env-band env-band-${env}`} role="status">
        {env === 'live' ? (
          <>
            <strong>LIVE DATA</strong> — changes here affect your real customers and integrations.
          </>
        ) : (
          <>
            <strong>Test data</strong> — safe to experiment; nothing here touches live customers.
          </>
        )}
      </div>
      <header className="topbar">
        <button type="button" className="icon-btn menu-btn" aria-label="Menu" aria-expanded={menuOpen} onClick={() => setMenuOpen((o) => !o)}>
          ☰
        </button>
        <Link to={HOME} className="brand">
          <span className="brand-mark" aria-hidden="true">
            M
          </span>
          <span className="brand-text">
            Motors CRM <span className="muted">· {me.tenantName}</span>
          </span>
        </Link>
        <GlobalSearch />
        <div
          className="env-switch"
          role="radiogroup"
          aria-label="Data environment"
          onKeyDown={(e) => {
            // Radio-group keys: the arrows move between Test and Live.
            if (['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'].includes(e.key)) {
              e.preventDefault();
              const next = env === 'test' ? 'live' : 'test';
              onEnv(next);
              (e.currentTarget.querySelector(`[data-testid="env-${next}"]`) as HTMLButtonElement | null)?.focus();
            }
          }}
        >
          {(['test', 'live'] as const).map((e) => (
            <button
              key={e}
              type="button"
              role="radio"
              aria-checked={env === e}
              tabIndex={env === e ? 0 : -1}
              className={`env-option env-option-${e}${env === e ? ' active' : ''}`}
              onClick={() => onEnv(e)}
              data-testid={`env-${e}`}
            >
              {e === 'live' ? 'Live' : 'Test'}
            </button>
          ))}
        </div>
        <div className="user">
          <span className="user-name" title={me.email}>
            {me.name || me.email} <span className="role">{me.role}</span>
          </span>
          <button type="button" className="btn btn-small btn-ghost" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <div className="layout">
        <nav className={`sidebar${menuOpen ? ' open' : ''}`} aria-label="Main">
          {nav.map((section) => (
            <div key={section.heading} className="nav-section">
              <div className="nav-heading">{section.heading}</div>
              {section.sub && <div className="nav-sub">{section.sub}</div>}
              <ul>
                {section.items.map((item) => (
                  <li key={item.to}>
                    <Link to={item.to} className={`nav-link${isActive(path, item.to) ? ' active' : ''}`} aria-current={isActive(path, item.to) ? 'page' : undefined}>
                      {item.label}
                      {item.soon && <span className="soon">soon</span>}
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          ))}
          <div className="nav-section">
            <div className="nav-heading">Developers</div>
            <ul>
              <li>
                <a className="nav-link" href="/docs" target="_blank" rel="noreferrer">
                  API reference ↗
                </a>
              </li>
            </ul>
          </div>
        </nav>
        <main className="content" id="main" tabIndex={-1}>
          <Suspense fallback={<Loading label="Loading the page…" />}>
            <Page path={path} me={me} env={env} onSignedOut={onSignedOut} />
          </Suspense>
        </main>
      </div>
    </div>
  );
}

function Page({ path, me, env, onSignedOut }: { path: string; me: Me; env: Environment; onSignedOut: (message?: string) => void }) {
  const p = path.slice(BASE.length);
  if (p === '/today') return <TodayPage env={env} />;
  if (p === '/integrations/keys' || p === '/settings/integrations/api-keys') return <KeysPage me={me} env={env} />;
  if (p === '/integrations/requests') return <RequestLogPage env={env} />;
  if (p === '/integrations/feeds') return <FeedsPage me={me} env={env} />;
  if (p === '/integrations/quick-start') return <QuickStartPage env={env} />;
  if (p === '/settings/account') return <AccountPage me={me} onSignedOut={onSignedOut} />;
  if (p === '/settings/team') return <TeamPage me={me} />;
  if (p === '/integrations/webhooks' || p.startsWith('/integrations/webhooks/')) return <WebhooksPage me={me} env={env} endpointId={p.split('/')[3]} />;
  if (p === '/tools/import' || p.startsWith('/tools/import/')) return <ImportPage rest={p.slice('/tools/import/'.length)} env={env} />;
  if (p === '/integrations/adf-forwarding') return <AdfForwardingPage env={env} />;
  if (p === '/leads' || p.startsWith('/leads/')) return <LeadsInboxPage rest={p.slice('/leads/'.length)} env={env} />;
  if (p === '/records' || p.startsWith('/records/')) return <RecordsPage rest={p.slice('/records/'.length)} env={env} />;
  if (p === '') return <Loading />;
  return <NotFoundPage home={HOME} />;
}
