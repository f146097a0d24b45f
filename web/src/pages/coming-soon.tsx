import type { ReactNode } from 'react';
import { PageHeader } from '../components/ui.tsx';

export function ComingSoon({ title, what, children }: { title: string; what: string; children?: ReactNode }) {
  return (
    <>
      <PageHeader title={title} />
      <div className="empty">
        <div className="empty-icon" aria-hidden="true">🛠</div>
        <h3>Coming soon</h3>
        <p>{what}</p>
        {children}
      </div>
    </>
  );
}
