import { overviewApi, type Environment } from '../api.ts';
import { Loading, useAsync } from '../components/ui.tsx';
import { recordTitle } from '../lib/records.ts';
import { Link } from '../router.tsx';
import { DocList, LeadsDrivesTimeline, Section } from './customer-360.tsx';
import { recordsPath } from './records.tsx';

/** Below a vehicle's details: its owner, service history, leads, test drives and timeline. */
export function VehicleHistory({ id, env }: { id: string; env: Environment }) {
  const o = useAsync(() => overviewApi.vehicle(id), [id, env]);
  // The details above already say when the vehicle cannot be loaded.
  if (o.error) return null;
  if (!o.data) return <Loading label="Loading the vehicle's history…" />;
  const d = o.data;
  return (
    <>
      <section className="card" aria-label="Owner">
        <h2>Owner</h2>
        {d.owner ? (
          <p>
            <Link to={recordsPath('customers', d.owner.id)}>
              <strong>{recordTitle(d.owner)}</strong>
            </Link>{' '}
            {typeof d.owner.email === 'string' && <a href={`mailto:${d.owner.email}`}>{d.owner.email}</a>}
          </p>
        ) : (
          <p className="muted">No owner on record: stock, or a vehicle whose owner isn't a customer yet.</p>
        )}
      </section>
      <Section id="service" title="Service history" count={d.workOrders.length}>
        <DocList rows={d.workOrders} collection="workOrders" empty="No work orders" />
      </Section>
      <LeadsDrivesTimeline leads={d.leads} testDrives={d.testDrives} timeline={d.timeline} />
    </>
  );
}
