import { Link, useSearchParams } from 'react-router-dom';
import { useWorkspace } from '../app/auth';
import { usePersonas, useSegments } from '../api/queries';
import { SegmentForm } from '../segments/SegmentForm';
import { Sparkline } from '../segments/SizeTrend';
import type { Json } from '../sync/types';
import { NotFoundPage } from './NotFoundPage';
import { SuggestedSegments } from './segments/SuggestedSegments';
import '../styles/segments.css';

/** Every segment of the workspace with its size, personas and recent trend. */
export function SegmentsPage() {
  const membership = useWorkspace();
  const workspace = membership?.workspace;
  const segments = useSegments(workspace);
  const personas = usePersonas(workspace);
  const canEdit = membership?.role !== 'viewer';
  const names = new Map((personas.data ?? []).map((p) => [p.id, p.name]));
  const rows = segments.data ?? [];
  return (
    <div className="page segments-page">
      <div className="page-head">
        <div>
          <p className="eyebrow">Customers</p>
          <h1>Segments</h1>
          <p className="muted">Groups of customers picked by rules on their profile and purchases, kept up to date.</p>
        </div>
        {canEdit && (
          <Link to="/segments/new/" className="btn btn-primary">
            New segment
          </Link>
        )}
      </div>
      <section className="panel" aria-labelledby="segments-list-heading">
        <h2 id="segments-list-heading">All segments</h2>
        <table className="table segments-table">
          <thead>
            <tr>
              <th scope="col">Segment</th>
              <th scope="col" className="num">
                Customers
              </th>
              <th scope="col">Last 30 days</th>
              <th scope="col">Personas</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id} data-testid="segment-row">
                <td>
                  <Link to={`/segments/${s.id}/`}>{s.name}</Link>
                  {s.description && <div className="muted small">{s.description}</div>}
                </td>
                <td className="num">{s.size?.toLocaleString() ?? '—'}</td>
                <td>
                  <Sparkline points={s.trend ?? []} />
                </td>
                <td>
                  <div className="chip-row">
                    {s.personas.map((id) => (
                      <Link key={id} to={`/personas/${id}/`} className="chip">
                        {names.get(id) ?? 'Persona'}
                      </Link>
                    ))}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && <p className="muted">{segments.isPending ? 'Loading…' : 'No segments yet.'}</p>}
      </section>
      {workspace && <SuggestedSegments workspaceId={workspace} />}
    </div>
  );
}

/** `?name=&rules=<JSON>` (from a suggestion's Edit) prefill the form; bad JSON is ignored. */
function draftFrom(params: URLSearchParams): { name: string; rules: Json } | undefined {
  const rules = params.get('rules');
  if (!rules) return undefined;
  try {
    const parsed = JSON.parse(rules) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    return { name: params.get('name') ?? '', rules: parsed as Json };
  } catch {
    return undefined;
  }
}

export function NewSegmentPage() {
  const membership = useWorkspace();
  const [params] = useSearchParams();
  if (!membership) return <NotFoundPage what="workspace" />;
  return (
    <div className="page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/segments/">Segments</Link> / <span>New</span>
      </nav>
      <div className="page-head">
        <h1>New segment</h1>
      </div>
      <SegmentForm workspace={membership.workspace} draft={draftFrom(params)} />
    </div>
  );
}
