import { Link } from 'react-router-dom';
import { usePersonas } from '../api/queries';
import { useWorkspace } from '../app/auth';
import { PersonaAvatar } from './personaBits';

export function PersonasPage() {
  const workspace = useWorkspace()?.workspace;
  const personas = usePersonas(workspace);
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <p className="eyebrow">Workspace</p>
          <h1>Personas</h1>
        </div>
      </div>
      {personas.isPending && <p className="muted">Loading…</p>}
      <div className="persona-grid">
        {(personas.data ?? []).map((p) => (
          <Link key={p.id} to={`/personas/${p.id}/`} className="persona-card" style={{ borderTopColor: p.color }}>
            <PersonaAvatar persona={p} size={64} />
            <h3>{p.name}</h3>
            <p className="muted">{[p.job_title, p.company].filter(Boolean).join(' at ') || '—'}</p>
            <div className="chip-row center">
              <span className={`tier tier-${p.tier}`}>{p.tier}</span>
              {p.is_stale && <span className="badge badge-warn">Review due</span>}
            </div>
            {p.quotes[0] && <blockquote>“{p.quotes[0]}”</blockquote>}
          </Link>
        ))}
      </div>
      {personas.data?.length === 0 && <p className="muted">No personas in this workspace yet.</p>}
    </div>
  );
}
