import type { HourStat } from '../lib/format.ts';
import { percent } from '../lib/format.ts';

/** Requests per hour as bars (errors stacked in red) and the error rate as a line; inline SVG. */
export function HourlyChart({ series }: { series: HourStat[] }) {
  const w = 840;
  const h = 180;
  const pad = { l: 36, r: 40, t: 10, b: 24 };
  const max = Math.max(1, ...series.map((s) => s.requests));
  const bw = (w - pad.l - pad.r) / Math.max(1, series.length);
  const y = (v: number) => pad.t + (h - pad.t - pad.b) * (1 - v / max);
  const yRate = (r: number) => pad.t + (h - pad.t - pad.b) * (1 - r);
  const rateLine = series
    .map((s, i) => (s.requests ? `${pad.l + i * bw + bw / 2},${yRate(s.errors / s.requests)}` : null))
    .filter(Boolean)
    .join(' ');
  const days = series.filter((s) => new Date(s.hour).getUTCHours() === 0);
  return (
    <svg viewBox={`0 0 ${w} ${h}`} className="chart" role="img" aria-label={`Requests per hour over the last ${Math.round(series.length / 24)} days`}>
      <line x1={pad.l} x2={w - pad.r} y1={y(0)} y2={y(0)} className="axis" />
      <text x={pad.l - 6} y={y(max) + 4} className="tick" textAnchor="end">
        {max}
      </text>
      <text x={pad.l - 6} y={y(0)} className="tick" textAnchor="end">
        0
      </text>
      <text x={w - pad.r + 6} y={yRate(1) + 4} className="tick rate">
        100%
      </text>
      <text x={w - pad.r + 6} y={yRate(0)} className="tick rate">
        0%
      </text>
      {days.map((d) => {
        const i = series.indexOf(d);
        const x = pad.l + i * bw;
        return (
          <g key={d.hour}>
            <line x1={x} x2={x} y1={pad.t} y2={y(0)} className="grid" />
            <text x={x + 3} y={h - 8} className="tick">
              {new Date(d.hour).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric' })}
            </text>
          </g>
        );
      })}
      {series.map((s, i) =>
        s.requests ? (
          <g key={s.hour}>
            <title>{`${new Date(s.hour).toLocaleString()}: ${s.requests} requests, ${s.errors} errors (${percent(s.errors / s.requests)})`}</title>
            <rect x={pad.l + i * bw + 0.5} y={y(s.requests)} width={Math.max(1, bw - 1)} height={y(0) - y(s.requests)} className="bar" />
            {s.errors > 0 && <rect x={pad.l + i * bw + 0.5} y={y(s.errors)} width={Math.max(1, bw - 1)} height={y(0) - y(s.errors)} className="bar-error" />}
          </g>
        ) : null,
      )}
      {rateLine && <polyline points={rateLine} className="rate-line" />}
    </svg>
  );
}
