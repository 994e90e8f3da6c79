import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { usePersonaUsage } from '../api/personas';
import '../styles/personas-repo.css';

function Group({
  id,
  title,
  count,
  empty,
  children,
}: {
  id: string;
  title: string;
  count: number;
  empty: string;
  children: ReactNode;
}) {
  return (
    <div className={`usage-group usage-${id}`} aria-labelledby={`usage-${id}-title`} role="group">
      <h3 id={`usage-${id}-title`}>
        {title} <span className="count">{count}</span>
      </h3>
      {count === 0 ? <p className="muted usage-empty">{empty}</p> : <ul className="usage-list">{children}</ul>}
    </div>
  );
}

function Relevance({ value }: { value: number }) {
  return (
    <span className="usage-relevance" title={`Relevance ${value} of 5`}>
      <span aria-hidden="true">
        {'●'.repeat(Math.max(0, Math.min(5, value)))}
        <span className="off">{'●'.repeat(Math.max(0, 5 - value))}</span>
      </span>
      <span className="sr-only">relevance {value} of 5</span>
    </span>
  );
}

/** Where a persona is used: maps, features, segments and friction points across maps. */
export function PersonaUsage({ personaId }: { personaId: string }) {
  const usage = usePersonaUsage(personaId);
  const data = usage.data;
  const total = data ? data.maps.length + data.features.length + data.segments.length + data.friction_points.length : 0;
  return (
    <section className="persona-usage" aria-labelledby="persona-usage-heading" data-persona={personaId}>
      <div className="section-head">
        <h2 id="persona-usage-heading">Appears in</h2>
        {data && <span className="count">{total}</span>}
      </div>
      {usage.isPending && <p className="muted">Loading…</p>}
      {usage.error && (
        <p className="form-error" role="alert">
          {usage.error.message}
        </p>
      )}
      {data && (
        <div className="usage-grid">
          <Group id="maps" title="Journey maps" count={data.maps.length} empty="Not on any journey map yet.">
            {data.maps.map((m) => (
              <li key={m.id}>
                <Link to={`/maps/${m.id}/`}>{m.title}</Link>
              </li>
            ))}
          </Group>
          <Group id="features" title="Features" count={data.features.length} empty="No feature is tagged with this persona.">
            {[...data.features]
              .sort((a, b) => b.relevance - a.relevance || a.name.localeCompare(b.name))
              .map((f) => (
                <li key={f.id}>
                  <Link to="/features/">{f.name}</Link>
                  <span className="usage-aside">
                    <Relevance value={f.relevance} />
                    <span className={`status status-${f.status}`}>{f.status.replace(/_/g, ' ')}</span>
                  </span>
                </li>
              ))}
          </Group>
          <Group id="segments" title="Segments" count={data.segments.length} empty="No segment quantifies this persona.">
            {data.segments.map((s) => (
              <li key={s.id}>
                <Link to={`/segments/${s.id}/`}>{s.name}</Link>
                <span className="usage-aside muted">
                  {s.size == null ? 'size unknown' : `${s.size.toLocaleString()} customer${s.size === 1 ? '' : 's'}`}
                </span>
              </li>
            ))}
          </Group>
          <Group
            id="friction"
            title="Friction points"
            count={data.friction_points.length}
            empty="No friction point is recorded for this persona."
          >
            {[...data.friction_points]
              .sort((a, b) => b.severity - a.severity || a.title.localeCompare(b.title))
              .map((f) => (
                <li key={f.id} className="usage-friction">
                  <span className={`sev-pill sev-${f.severity}`} title={`Severity ${f.severity} of 5`}>
                    S{f.severity}
                  </span>
                  <span className="usage-friction-text">
                    <Link to={`/maps/${f.map}/`}>{f.title || 'Untitled friction point'}</Link>
                    <span className="muted small">
                      {f.map_title}
                      {f.stage_name ? ` · ${f.stage_name}` : ''}
                    </span>
                  </span>
                  <span className={`status status-${f.status}`}>{f.status.replace(/_/g, ' ')}</span>
                </li>
              ))}
          </Group>
        </div>
      )}
    </section>
  );
}
