import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { downloadExport, exportFilename, personaSheetPath } from '../api/exports';
import { api, ApiError } from '../api/http';
import { DownloadIcon } from '../board/ExportDialog';
import { useChannels, useSegments } from '../api/queries';
import type { Persona } from '../api/types';
import { NotFoundPage } from './NotFoundPage';
import { PersonaAvatar } from './personaBits';

function List({ title, items, tone }: { title: string; items: string[]; tone?: string }) {
  if (!items?.length) return null;
  return (
    <section className={`persona-block ${tone ? `tone-${tone}` : ''}`}>
      <h3>{title}</h3>
      <ul>
        {items.map((item, i) => (
          <li key={i}>{item}</li>
        ))}
      </ul>
    </section>
  );
}

function formatDate(iso: string | null): string {
  if (!iso) return 'never';
  return new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** The persona as a one-page PDF sheet, fetched so a refusal can be said next to the button. */
function PersonaSheetButton({ id, name }: { id: string; name: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="persona-sheet">
      {error && (
        <span className="form-error" role="alert">
          {error}
        </span>
      )}
      <button
        type="button"
        className="btn btn-sm"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await downloadExport(personaSheetPath(id), exportFilename(name, 'pdf', 'persona'));
          } catch (caught) {
            setError(caught instanceof Error ? caught.message : 'The export failed.');
          } finally {
            setBusy(false);
          }
        }}
      >
        <DownloadIcon />
        {busy ? 'Preparing the sheet…' : 'Persona sheet (PDF)'}
      </button>
    </div>
  );
}

export function PersonaPage() {
  const { personaId } = useParams();
  const persona = useQuery({
    queryKey: ['persona', personaId],
    queryFn: () => api<Persona>(`/api/personas/${personaId}/`),
  });
  const channels = useChannels(persona.data?.workspace);
  const segments = useSegments(persona.data?.workspace);
  if (persona.error instanceof ApiError && persona.error.status === 404) return <NotFoundPage what="persona" />;
  if (!persona.data) return <div className="page muted">{persona.error ? persona.error.message : 'Loading…'}</div>;
  const p = persona.data;
  const demographics: [string, string | number | null][] = [
    ['Age', p.age],
    ['Gender', p.gender],
    ['Location', p.location],
    ['Income', p.income],
    ['Education', p.education],
    ['Family', p.family],
    ['Job title', p.job_title],
    ['Company', p.company],
  ];
  const channelNames = (channels.data ?? []).filter((c) => p.preferred_channels.includes(c.id));
  const personaSegments = (segments.data ?? []).filter((s) => s.personas.includes(p.id));
  const empathy = p.empathy_map ?? { says: [], thinks: [], does: [], feels: [] };
  return (
    <div className="page persona-page">
      <div className="persona-topline">
        <nav className="crumbs" aria-label="Breadcrumb">
          <Link to="/personas/">Personas</Link> / <span>{p.name}</span>
        </nav>
        <PersonaSheetButton id={p.id} name={p.name} />
      </div>
      {p.is_stale && (
        <div className="banner banner-warn" role="status">
          <strong>Review overdue.</strong>{' '}
          {p.last_reviewed_at
            ? `Last reviewed ${formatDate(p.last_reviewed_at)}; due every ${p.review_cadence_days} days (was due ${formatDate(p.review_due_on)}).`
            : 'This persona has never been reviewed against research.'}
        </div>
      )}
      <header className="persona-hero" style={{ borderLeftColor: p.color }}>
        <PersonaAvatar persona={p} size={112} />
        <div className="persona-hero-text">
          <div className="chip-row">
            <span className={`tier tier-${p.tier}`}>{p.tier} persona</span>
            {p.churn_risk && <span className={`badge risk-${p.churn_risk}`}>churn risk: {p.churn_risk}</span>}
            {p.lifetime_value != null && <span className="badge">LTV {Number(p.lifetime_value).toLocaleString()}</span>}
          </div>
          <h1>{p.name}</h1>
          <p className="lead">{[p.job_title, p.company].filter(Boolean).join(' at ')}</p>
          {p.bio && <p>{p.bio}</p>}
          {p.quotes.map((q, i) => (
            <blockquote key={i} className="quote">
              “{q}”
            </blockquote>
          ))}
        </div>
        <dl className="persona-facts">
          {demographics
            .filter(([, v]) => v !== null && v !== '')
            .map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          <div>
            <dt>Last reviewed</dt>
            <dd>{formatDate(p.last_reviewed_at)}</dd>
          </div>
        </dl>
      </header>

      <div className="persona-columns">
        <List title="Goals" items={p.goals} tone="good" />
        <List title="Pain points" items={p.pain_points} tone="bad" />
        <List title="Needs" items={p.needs} />
        <List title="Motivations" items={p.motivations} />
        <List title="Expectations" items={p.expectations} />
        <List title="Objections" items={p.objections} tone="bad" />
        <List title="Behaviours" items={p.behaviours} />
        <section className="persona-block">
          <h3>Psychographics</h3>
          {p.personality.length > 0 && (
            <p>
              <strong>Personality:</strong> {p.personality.join(', ')}
            </p>
          )}
          {p.values.length > 0 && (
            <p>
              <strong>Values:</strong> {p.values.join(', ')}
            </p>
          )}
          {p.interests.length > 0 && (
            <p>
              <strong>Interests:</strong> {p.interests.join(', ')}
            </p>
          )}
          {p.lifestyle && (
            <p>
              <strong>Lifestyle:</strong> {p.lifestyle}
            </p>
          )}
        </section>
        <section className="persona-block">
          <h3>Channels & content</h3>
          <div className="chip-row">
            {channelNames.map((c) => (
              <span key={c.id} className="chip" style={{ borderColor: c.color, color: c.color }}>
                {c.name}
              </span>
            ))}
            {p.preferred_content.map((c) => (
              <span key={c} className="chip">
                {c}
              </span>
            ))}
          </div>
        </section>
      </div>

      <section className="persona-segments" aria-labelledby="persona-segments-heading">
        <h2 id="persona-segments-heading">Segments</h2>
        {personaSegments.length === 0 ? (
          <p className="muted">{segments.isPending ? 'Loading…' : 'No segment is linked to this persona yet.'}</p>
        ) : (
          <ul className="persona-segment-list">
            {personaSegments.map((s) => (
              <li key={s.id}>
                <Link to={`/segments/${s.id}/`}>{s.name}</Link>{' '}
                <span className="muted">{s.size != null ? `${s.size.toLocaleString()} customers` : ''}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="empathy" aria-label="Empathy map">
        <h2>Empathy map</h2>
        <div className="empathy-grid">
          {(['says', 'thinks', 'does', 'feels'] as const).map((q) => (
            <div key={q} className={`empathy-q empathy-${q}`}>
              <h3>{q}</h3>
              <ul>
                {(empathy[q] ?? []).map((item, i) => (
                  <li key={i}>{item}</li>
                ))}
              </ul>
            </div>
          ))}
          <div className="empathy-center">
            <PersonaAvatar persona={p} size={56} />
          </div>
        </div>
      </section>
    </div>
  );
}
