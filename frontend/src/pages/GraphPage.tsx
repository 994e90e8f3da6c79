import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api/http';
import type { Json } from '../sync/types';

/** The journey graph's analysis, shown as readable sections of whatever the API reports. */
function Value({ value }: { value: Json }) {
  if (value === null || typeof value !== 'object') return <span>{String(value)}</span>;
  if (Array.isArray(value)) {
    return (
      <ul className="analysis-list">
        {value.slice(0, 50).map((item, i) => (
          <li key={i}>
            <Value value={item} />
          </li>
        ))}
      </ul>
    );
  }
  return (
    <dl className="analysis-dl">
      {Object.entries(value).map(([k, v]) => (
        <div key={k}>
          <dt>{k.replace(/_/g, ' ')}</dt>
          <dd>
            <Value value={v} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function GraphPage() {
  const { mapId } = useParams();
  const analysis = useQuery({
    queryKey: ['analysis', mapId],
    queryFn: () => api<Record<string, Json>>(`/api/maps/${mapId}/analysis/`),
  });
  return (
    <div className="page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to={`/maps/${mapId}/`}>Back to the board</Link>
      </nav>
      <div className="page-head">
        <div>
          <p className="eyebrow">Journey graph</p>
          <h1>Paths, drop-offs and bottlenecks</h1>
        </div>
      </div>
      {analysis.isPending && <p className="muted">Analysing…</p>}
      {analysis.error && <p className="muted">The analysis is not available: {analysis.error.message}</p>}
      {analysis.data && (
        <div className="analysis-grid">
          {Object.entries(analysis.data).map(([section, value]) => (
            <section key={section} className="panel">
              <h2>{section.replace(/_/g, ' ')}</h2>
              <Value value={value} />
            </section>
          ))}
        </div>
      )}
    </div>
  );
}
