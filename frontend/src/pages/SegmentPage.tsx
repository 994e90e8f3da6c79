import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useWorkspace } from '../app/auth';
import { api, ApiError } from '../api/http';
import { usePersonas } from '../api/queries';
import { segmentCsvPath, useSegmentSnapshots } from '../api/segments';
import type { Segment } from '../api/types';
import { DownloadIcon } from '../board/ExportDialog';
import { SegmentForm } from '../segments/SegmentForm';
import { SizeTrendChart } from '../segments/SizeTrend';
import type { Json } from '../sync/types';
import { NotFoundPage } from './NotFoundPage';
import { PersonaAvatar } from './personaBits';
import '../styles/segments.css';

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
  const membership = useWorkspace();
  const [editing, setEditing] = useState(false);
  const client = useQueryClient();
  const navigate = useNavigate();
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
  const snapshots = useSegmentSnapshots(segment.data ? segmentId : undefined);
  const personas = usePersonas(segment.data?.workspace);
  const remove = useMutation({
    mutationFn: () => api<void>(`/api/segments/${segmentId}/`, { method: 'DELETE' }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['segments'] });
      navigate('/segments/');
    },
  });
  if (segment.error instanceof ApiError && segment.error.status === 404) return <NotFoundPage what="segment" />;
  if (!segment.data) return <div className="page muted">{segment.error ? segment.error.message : 'Loading…'}</div>;
  const s = segment.data;
  const rows = customers.data?.results ?? [];
  const canEdit = membership?.workspace === s.workspace ? membership.role !== 'viewer' : false;
  const linked = (personas.data ?? []).filter((p) => s.personas.includes(p.id));
  return (
    <div className="page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/segments/">Segments</Link> / <span>{s.name}</span>
      </nav>
      <div className="page-head">
        <div>
          <p className="eyebrow">Segment</p>
          <h1>{s.name}</h1>
          {s.description && <p className="muted">{s.description}</p>}
        </div>
        <div className="page-head-actions">
          {s.size != null && (
            <div className="stat">
              <strong>{s.size.toLocaleString()}</strong>
              <span>customers</span>
            </div>
          )}
          <a className="btn btn-sm" href={segmentCsvPath(s.id)} download>
            <DownloadIcon />
            Download members CSV
          </a>
          {canEdit && !editing && (
            <button type="button" className="btn btn-sm" onClick={() => setEditing(true)}>
              Edit
            </button>
          )}
          {canEdit && (
            <button
              type="button"
              className="btn btn-sm btn-danger"
              disabled={remove.isPending}
              onClick={() => {
                if (window.confirm(`Delete the segment “${s.name}”? Its customers are kept.`)) remove.mutate();
              }}
            >
              Delete
            </button>
          )}
        </div>
      </div>
      {remove.error && (
        <p className="form-error" role="alert">
          {remove.error.message}
        </p>
      )}
      {editing && <SegmentForm key={s.updated_at ?? s.id} workspace={s.workspace} segment={s} onDone={() => setEditing(false)} />}
      <div className="two-col">
        <section className="panel" aria-label="Rules, personas and size">
          {!editing && (
            <>
              <h2>Rules</h2>
              <Rule node={s.rules} />
            </>
          )}
          <h2 style={{ marginTop: editing ? 0 : 24 }}>Personas</h2>
          <div className="chip-row">
            {linked.map((p) => (
              <Link key={p.id} to={`/personas/${p.id}/`} className="chip">
                <PersonaAvatar persona={p} size={20} /> {p.name}
              </Link>
            ))}
            {linked.length === 0 && <p className="muted">No personas linked.</p>}
          </div>
          <h2 style={{ marginTop: 24 }}>Size over time</h2>
          {snapshots.data ? <SizeTrendChart points={snapshots.data} /> : <p className="muted">Loading…</p>}
        </section>
        <section className="panel" aria-labelledby="segment-customers-heading">
          <h2 id="segment-customers-heading">Customers</h2>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Country</th>
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
          {customers.data?.count != null && customers.data.count > rows.length && (
            <p className="muted">
              The first {rows.length} of {customers.data.count.toLocaleString()}; the CSV has them all.
            </p>
          )}
        </section>
      </div>
    </div>
  );
}
