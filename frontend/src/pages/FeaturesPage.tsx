import { Link } from 'react-router-dom';
import { useFeatures, usePersonas } from '../api/queries';
import { useWorkspace } from '../app/auth';
import { PersonaAvatar } from './personaBits';

export function FeaturesPage() {
  const workspace = useWorkspace()?.workspace;
  const features = useFeatures(workspace);
  const personas = usePersonas(workspace);
  const byId = new Map((personas.data ?? []).map((p) => [p.id, p]));
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <p className="eyebrow">Product</p>
          <h1>Features</h1>
          <p className="muted">Which persona each feature serves, and how much it matters to them (1–5).</p>
        </div>
      </div>
      <table className="table features-table">
        <thead>
          <tr>
            <th>Feature</th>
            <th>Status</th>
            <th>Personas (relevance)</th>
          </tr>
        </thead>
        <tbody>
          {(features.data ?? []).map((f) => (
            <tr key={f.id}>
              <td>
                <strong>{f.name}</strong>
                {f.description && <div className="muted clamp-2">{f.description}</div>}
              </td>
              <td>
                <span className={`status status-${f.status}`}>{f.status.replace('_', ' ')}</span>
              </td>
              <td>
                <div className="chip-row">
                  {f.persona_tags.map((t) => {
                    const p = byId.get(t.persona);
                    return p ? (
                      <Link key={t.persona} to={`/personas/${p.id}/`} className="chip" title={`relevance ${t.relevance} of 5`}>
                        <PersonaAvatar persona={p} size={18} /> {p.name}
                        <span className="relevance" aria-label={`relevance ${t.relevance}`}>
                          {'●'.repeat(t.relevance)}
                          <span className="dim">{'●'.repeat(5 - t.relevance)}</span>
                        </span>
                      </Link>
                    ) : null;
                  })}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {features.data?.length === 0 && <p className="muted">No features yet.</p>}
    </div>
  );
}
