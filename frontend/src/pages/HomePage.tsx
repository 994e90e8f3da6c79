import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../api/http';
import { useFeatures, useMaps, usePersonas, useSegments, useTemplates } from '../api/queries';
import type { MapSummary, Persona } from '../api/types';
import { useMe, useWorkspace } from '../app/auth';
import { Dialog } from '../board/Dialog';
import { OverdueReviews } from '../personas/OverdueReviews';
import { PersonaAvatar } from './personaBits';
import { MoveToTrashButton } from './trashBits';

function timeAgo(iso: string): string {
  const seconds = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return 'just now';
  const units: [number, string][] = [
    [60, 'minute'],
    [3600, 'hour'],
    [86400, 'day'],
    [604800, 'week'],
  ];
  let label = '';
  for (const [size, name] of units) {
    if (seconds >= size) {
      const n = Math.floor(seconds / size);
      label = `${n} ${name}${n === 1 ? '' : 's'} ago`;
    }
  }
  return label;
}

const TEMPLATE_ART: Record<string, string[]> = {
  blank: [],
  b2c_purchase: ['#6366f1', '#0ea5e9', '#10b981', '#f59e0b', '#ef4444'],
  b2b_saas_onboarding: ['#0ea5e9', '#6366f1', '#8b5cf6', '#10b981'],
  service_blueprint: ['#64748b', '#0ea5e9', '#f59e0b', '#6366f1'],
};

function TemplatePreview({ templateKey }: { templateKey: string }) {
  const colours = TEMPLATE_ART[templateKey] ?? ['#6366f1', '#10b981', '#f59e0b'];
  return (
    <div className="template-preview" aria-hidden="true">
      {colours.length === 0 ? (
        <span className="template-blank">+</span>
      ) : (
        colours.map((c, i) => <span key={i} style={{ background: c, opacity: 0.85 - i * 0.08 }} />)
      )}
    </div>
  );
}

function NewMapDialog({
  workspace,
  personas,
  onClose,
}: {
  workspace: string;
  personas: Persona[];
  onClose: () => void;
}) {
  const templates = useTemplates();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [title, setTitle] = useState('');
  const [template, setTemplate] = useState('b2c_purchase');
  const [chosen, setChosen] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: () =>
      api<MapSummary>('/api/maps/', {
        method: 'POST',
        body: { workspace, title: title.trim(), template, personas: chosen },
      }),
    onSuccess: (created) => {
      client.invalidateQueries({ queryKey: ['maps'] });
      navigate(`/maps/${created.id}/`);
    },
  });
  const options = templates.data ?? [
    { key: 'blank', name: 'Blank map', description: 'Start from an empty board.' },
  ];
  function submit(event: FormEvent) {
    event.preventDefault();
    if (title.trim()) create.mutate();
  }
  return (
    <Dialog title="New journey map" onClose={onClose} wide>
      <form onSubmit={submit} className="stack">
        <label className="field">
          <span>Title</span>
          <input
            name="title"
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            placeholder="e.g. First purchase on mobile"
            required
            autoFocus
          />
        </label>
        <fieldset className="field">
          <legend>Start from</legend>
          <div className="template-grid" role="radiogroup" aria-label="Template">
            {options.map((t) => (
              <label key={t.key} className={`template-option ${template === t.key ? 'selected' : ''}`}>
                <input
                  type="radio"
                  name="template"
                  value={t.key}
                  checked={template === t.key}
                  onChange={() => setTemplate(t.key)}
                />
                <TemplatePreview templateKey={t.key} />
                <strong>{t.name}</strong>
                <small>{t.description}</small>
              </label>
            ))}
          </div>
        </fieldset>
        {personas.length > 0 && (
          <fieldset className="field">
            <legend>Personas on this map</legend>
            <div className="chip-row">
              {personas.map((p) => (
                <label key={p.id} className={`chip chip-toggle ${chosen.includes(p.id) ? 'on' : ''}`}>
                  <input
                    type="checkbox"
                    checked={chosen.includes(p.id)}
                    onChange={(e) =>
                      setChosen((c) => (e.target.checked ? [...c, p.id] : c.filter((x) => x !== p.id)))
                    }
                  />
                  <PersonaAvatar persona={p} size={20} />
                  {p.name}
                </label>
              ))}
            </div>
          </fieldset>
        )}
        {create.error && <p className="form-error" role="alert">{(create.error as Error).message}</p>}
        <div className="dialog-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={create.isPending || !title.trim()}>
            {create.isPending ? 'Creating…' : 'Create map'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function MapCard({ map, personas }: { map: MapSummary; personas: Map<string, Persona> }) {
  return (
    <Link to={`/maps/${map.id}/`} className="map-card">
      <div className="map-card-art" aria-hidden="true">
        {Array.from({ length: Math.min(Math.max(map.stage_count, 1), 7) }).map((_, i) => (
          <span key={i} />
        ))}
      </div>
      <div className="map-card-body">
        <h3>{map.title}</h3>
        {map.description && <p className="muted clamp-2">{map.description}</p>}
        <div className="map-card-meta">
          <span>
            {map.stage_count} stage{map.stage_count === 1 ? '' : 's'}
          </span>
          <span>·</span>
          <span>Edited {timeAgo(map.updated_at)}</span>
          <span className="avatar-stack">
            {map.personas.slice(0, 4).map((id) => {
              const p = personas.get(id);
              return p ? <PersonaAvatar key={id} persona={p} size={22} /> : null;
            })}
          </span>
        </div>
      </div>
    </Link>
  );
}

export function HomePage() {
  const me = useMe();
  const membership = useWorkspace();
  const workspace = membership?.workspace;
  const maps = useMaps(workspace);
  const personas = usePersonas(workspace);
  const segments = useSegments(workspace);
  const features = useFeatures(workspace);
  const [creating, setCreating] = useState(false);
  const canEdit = membership?.role !== 'viewer';
  const byId = new Map((personas.data ?? []).map((p) => [p.id, p]));

  if (!membership) {
    return (
      <div className="empty-state">
        <h1>No workspace yet</h1>
        <p>Ask a workspace owner to invite you.</p>
      </div>
    );
  }

  return (
    <div className="home">
      <section className="home-hero">
        <div>
          <p className="eyebrow">{membership.workspace_name}</p>
          <h1>Good to see you, {me.name.split(' ')[0]}</h1>
          <p className="muted">Journey maps, personas and the features that serve them.</p>
        </div>
        {canEdit && (
          <button type="button" className="btn btn-primary btn-lg" onClick={() => setCreating(true)}>
            + New journey map
          </button>
        )}
      </section>

      <section className="home-section" aria-labelledby="maps-heading">
        <div className="section-head">
          <h2 id="maps-heading">Journey maps</h2>
          <span className="count">{maps.data?.length ?? ''}</span>
        </div>
        {maps.isPending ? (
          <div className="skeleton-grid">
            {[0, 1, 2].map((i) => (
              <div key={i} className="skeleton" />
            ))}
          </div>
        ) : maps.data && maps.data.length ? (
          <div className="map-grid">
            {maps.data.map((m) => (
              <div key={m.id} className="map-card-wrap">
                <MapCard map={m} personas={byId} />
                {canEdit && (
                  <MoveToTrashButton kind="map" id={m.id} title={m.title} className="btn btn-ghost btn-sm map-card-delete" />
                )}
              </div>
            ))}
          </div>
        ) : (
          <div className="empty-inline">
            <p>No maps yet. Start from a template — it takes a minute.</p>
            {canEdit && (
              <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
                Create your first map
              </button>
            )}
          </div>
        )}
      </section>

      <div className="home-columns">
        <section className="home-section" aria-labelledby="personas-heading">
          <div className="section-head">
            <h2 id="personas-heading">Personas</h2>
            <Link to="/personas/" className="link-more">
              All personas →
            </Link>
          </div>
          <div className="persona-list">
            {(personas.data ?? []).slice(0, 6).map((p) => (
              <Link key={p.id} to={`/personas/${p.id}/`} className="persona-row">
                <PersonaAvatar persona={p} size={40} />
                <div>
                  <strong>{p.name}</strong>
                  <span className="muted">{[p.job_title, p.location].filter(Boolean).join(' · ')}</span>
                </div>
                <span className={`tier tier-${p.tier}`}>{p.tier}</span>
                {p.is_stale && <span className="badge badge-warn" title="Review overdue">Review due</span>}
              </Link>
            ))}
            {personas.data?.length === 0 && <p className="muted">No personas yet.</p>}
          </div>
        </section>

        <section className="home-section" aria-labelledby="segments-heading">
          <div className="section-head">
            <h2 id="segments-heading">Segments</h2>
          </div>
          <ul className="plain-list">
            {(segments.data ?? []).map((s) => (
              <li key={s.id}>
                <Link to={`/segments/${s.id}/`}>{s.name}</Link>
                {s.description && <span className="muted clamp-1">{s.description}</span>}
              </li>
            ))}
            {segments.data?.length === 0 && <li className="muted">No segments yet.</li>}
          </ul>
          <div className="section-head" style={{ marginTop: 24 }}>
            <h2>Features</h2>
            <Link to="/features/" className="link-more">
              All features →
            </Link>
          </div>
          <ul className="plain-list">
            {(features.data ?? []).slice(0, 6).map((f) => (
              <li key={f.id}>
                <span>{f.name}</span>
                <span className={`status status-${f.status}`}>{f.status.replace('_', ' ')}</span>
              </li>
            ))}
            {features.data?.length === 0 && <li className="muted">No features yet.</li>}
          </ul>
        </section>
      </div>

      <OverdueReviews workspace={workspace} />

      {creating && workspace && (
        <NewMapDialog workspace={workspace} personas={personas.data ?? []} onClose={() => setCreating(false)} />
      )}
    </div>
  );
}
