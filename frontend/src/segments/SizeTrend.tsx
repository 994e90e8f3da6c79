/** A segment's size over time: a line chart with its figures for screen readers, and a
 * sparkline for the list. */
import { Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis, CartesianGrid } from 'recharts';
import type { SegmentSnapshot } from '../api/segments';

const day = (iso: string) =>
  new Date(`${iso}T00:00:00`).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/** One sentence for the whole series: where it started, where it is, the high and low. */
export function describeTrend(points: SegmentSnapshot[]): string {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return 'No sizes recorded yet.';
  if (points.length === 1) return `${last.size.toLocaleString()} customers on ${day(last.taken_on)}.`;
  const sizes = points.map((p) => p.size);
  return (
    `Size over ${points.length} days, from ${first.size.toLocaleString()} on ${day(first.taken_on)} ` +
    `to ${last.size.toLocaleString()} on ${day(last.taken_on)}; ` +
    `highest ${Math.max(...sizes).toLocaleString()}, lowest ${Math.min(...sizes).toLocaleString()}.`
  );
}

export function SizeTrendChart({ points }: { points: SegmentSnapshot[] }) {
  const summary = describeTrend(points);
  if (points.length === 0) return <p className="muted">{summary}</p>;
  return (
    <figure className="size-trend">
      <div role="img" aria-label={summary} style={{ width: '100%', height: 200 }}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#e5e7eb" vertical={false} />
            <XAxis dataKey="taken_on" tickFormatter={(iso: string) => iso.slice(5)} tick={{ fill: '#374151', fontSize: 12 }} />
            <YAxis allowDecimals={false} width={48} tick={{ fill: '#374151', fontSize: 12 }} />
            <Tooltip labelFormatter={(iso) => day(String(iso))} formatter={(size) => [Number(size).toLocaleString(), 'customers']} />
            <Line type="monotone" dataKey="size" stroke="#4f46e5" strokeWidth={2} dot={points.length < 40} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <table className="sr-only">
        <caption>Segment size by day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Customers</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.taken_on}>
              <td>{day(p.taken_on)}</td>
              <td>{p.size.toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** A small line of the last sizes, for the segments list. */
export function Sparkline({ points }: { points: SegmentSnapshot[] }) {
  if (points.length < 2) return <span className="muted">{points.length ? 'first day' : '—'}</span>;
  return (
    <span role="img" aria-label={describeTrend(points)} className="sparkline">
      <LineChart width={96} height={28} data={points} margin={{ top: 2, right: 2, bottom: 2, left: 2 }}>
        <YAxis hide domain={['dataMin', 'dataMax']} />
        <Line type="monotone" dataKey="size" stroke="#4f46e5" strokeWidth={1.5} dot={false} isAnimationActive={false} />
      </LineChart>
    </span>
  );
}
