import { PageHeader } from '../components/ui.tsx';
import { Link } from '../router.tsx';

/** Any dashboard address that matches no page: say so, and offer the way back. */
export function NotFoundPage({ home }: { home: string }) {
  return (
    <>
      <PageHeader title="Page not found" />
      <div className="empty" role="alert">
        <div className="empty-icon" aria-hidden="true">
          404
        </div>
        <h3>There is no dashboard page at this address</h3>
        <p>
          <code>{location.pathname}</code> may be an old bookmark or a mistyped link.
        </p>
        <Link to={home} className="btn btn-primary">
          Go to Today
        </Link>
      </div>
    </>
  );
}
