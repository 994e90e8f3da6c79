import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError } from '../api/http';
import { usePersonas } from '../api/queries';
import type { Segment } from '../api/types';
import type { Json } from '../sync/types';
import { NotFoundPage } from './NotFoundPage';
import { PersonaAvatar } from './personaBits';

const OPS: Record<string, string> = { gt: '>', gte: '≥', lt: '<', lte: '≤', eq: '=', ne: '≠', between: 'between' };

/** The rule tree as nested, readable conditions. */
function Rule({ node }: { node: Json }) {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return <code>{JSON.stringify(node)}</code>;
  const n = node as Record<string, Json>;
  for (const key of ['all', 'any'] as const) {
    if (Array.isArray(n[key])) {
      return (
        <div className={`rule-group rule-${key}`}>
          <span className="rule-join">{key === 'all' ? 'ALL of' : 'ANY of'}</span>
          {(n[key] as Json[]).map((child, i) => (
            <Rule key={i} node={child} />
          ))}
        </div>
      );
    }
  }
  if ('not' in n)
    return (
      <div className="rule-group rule-not">
        <span className="rule-join">NOT</span>
        <Rule node={n.not ?? null} />
      </div>
    );
  if ('field' in n) {
    const value = Array.isArray(n.value) ? (n.value as Json[]).join(' – ') : String(n.value);
    return (
      <div className="rule">
        <strong>{String(n.field)}</strong> {String(n.op ?? '=')} <em>{value}</em>
      </div>
    );
  }
  if (n.purchase && typeof n.purchase === 'object' && !Array.isArray(n.purchase)) {
    const p = n.purchase as Record<string, Json>;
    return (
      <div className="rule">
        bought <strong>{String(p.product ?? 'anything')}</strong>
        {p.within_days != null && <> in the last <em>{String(p.within_days)} days</em></>}
      </div>
    );
  }
  if (n.purchases && typeof n.purchases === 'object' && !Array.isArray(n.purchases)) {
    const p = n.purchases as Record<string, Json>;
    const value = Array.isArray(n.value) ? (n.value as Json[]).join(' – ') : String(n.value);
    return (
      <div className="rule">
        <strong>{n.agg === 'sum' ? 'amount spent' : 'purchases'}</strong>
        {p.product != null && (
          <>
            {' '}
            on <strong>{String(p.product)}</strong>
          </>
        )}
        {p.within_days != null && <> in the last <em>{String(p.within_days)} days</em></>} {OPS[String(n.op)] ?? String(n.op)}{' '}
        <em>{value}</em>
      </div>
    );
  }
  if (n.total_spent && typeof n.total_spent === 'object' && !Array.isArray(n.total_spent)) {
    const t = n.total_spent as Record<string, Json>;
    const ops = OPS;
    return (
      <div className="rule">
        <strong>total spent</strong> {ops[String(t.op)] ?? String(t.op)} <em>{String(t.value)}</em>
      </div>
    );
  }
  return (
    <div className="rule">
      <code>{JSON.stringify(n)}</code>
    </div>
  );
}

export function SegmentPage() {
  const { segmentId } = useParams();
  const segment = useQuery({
    queryKey: ['segment', segmentId],
    queryFn: () => api<Segment>(`/api/segments/${segmentId}/`),
  });
  const customers = useQuery({
    queryKey: ['segment-customers', segmentId],
    queryFn: () =>
      api<{ count?: number; results?: { id: string; name: string; external_id: string; email: string; country: string }[] }>(
        `/api/segments/${segmentId}/customers/?page_size=25`,
      ),
    enabled: Boolean(segment.data),
  });
  const personas = usePersonas(segment.data?.workspace);
  if (segment.error instanceof ApiError && segment.error.status === 404) return <NotFoundPage what="segment" />;
  if (!segment.data) return <div className="page muted">Loading…</div>;
  const s = segment.data;
  const rows = customers.data?.results ?? [];
  return (
    <div className="page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/">Home</Link> / <span>Segments</span>
      </nav>
      <div className="page-head">
        <div>
          <p className="eyebrow">Segment</p>
          <h1>{s.name}</h1>
          {s.description && <p className="muted">{s.description}</p>}
        </div>
        {customers.data?.count != null && (
          <div className="stat">
            <strong>{customers.data.count.toLocaleString()}</strong>
            <span>customers</span>
          </div>
        )}
      </div>
      <div className="two-col">
        <section className="panel">
          <h2>Rules</h2>
          <Rule node={s.rules} />
          <h2 style={{ marginTop: 24 }}>Personas</h2>
          <div className="chip-row">
            {(personas.data ?? [])
              .filter((p) => s.personas.includes(p.id))
              .map((p) => (
                <Link key={p.id} to={`/personas/${p.id}/`} className="chip">
                  <PersonaAvatar persona={p} size={20} /> {p.name}
                </Link>
              ))}
          </div>
        </section>
        <section className="panel">
          <h2>Customers</h2>
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Email</th>
                <th>Country</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id}>
                  <td>{c.name || c.external_id}</td>
                  <td>{c.email}</td>
                  <td>{c.country}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 && <p className="muted">{customers.isPending ? 'Loading…' : 'No customers match.'}</p>}
        </section>
      </div>
    </div>
  );
}
