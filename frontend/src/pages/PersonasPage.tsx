import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { usePersonas } from '../api/queries';
import type { Persona } from '../api/types';
import { useWorkspace } from '../app/auth';
import { formatDay, MAX_COMPARED, MIN_COMPARED } from '../personas/compare';
import { PersonaAvatar } from './personaBits';
import { MoveToTrashButton } from './trashBits';
import '../styles/personas-repo.css';

/** Most teams design for a handful of primary personas; more dilutes the focus. */
const PRIMARY_LIMIT = 5;

type Tier = 'all' | Persona['tier'];
type Staleness = 'all' | 'overdue' | 'current';
type Sort = 'name' | 'reviewed' | '-reviewed' | '-updated';

const TIERS: [Tier, string][] = [
  ['all', 'All tiers'],
  ['primary', 'Primary'],
  ['secondary', 'Secondary'],
  ['negative', 'Negative'],
];
const STALENESS: [Staleness, string][] = [
  ['all', 'Any review state'],
  ['overdue', 'Review overdue'],
  ['current', 'Reviewed, current'],
];
const SORTS: [Sort, string][] = [
  ['name', 'Name'],
  ['reviewed', 'Last reviewed, oldest first'],
  ['-reviewed', 'Last reviewed, newest first'],
  ['-updated', 'Recently updated'],
];

function oneOf<T extends string>(value: string | null, options: [T, string][], fallback: T): T {
  return options.some(([key]) => key === value) ? (value as T) : fallback;
}

function matches(p: Persona, query: string): boolean {
  if (!query) return true;
  const text = [p.name, p.job_title, p.company, p.bio].join('\n').toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => text.includes(word));
}

function compare(sort: Sort) {
  const byName = (a: Persona, b: Persona) => a.name.localeCompare(b.name);
  // Never reviewed is the oldest review of all.
  const reviewed = (p: Persona) => p.last_reviewed_at ?? '';
  switch (sort) {
    case 'reviewed':
      return (a: Persona, b: Persona) => reviewed(a).localeCompare(reviewed(b)) || byName(a, b);
    case '-reviewed':
      return (a: Persona, b: Persona) => reviewed(b).localeCompare(reviewed(a)) || byName(a, b);
    case '-updated':
      return (a: Persona, b: Persona) => b.updated_at.localeCompare(a.updated_at) || byName(a, b);
    default:
      return byName;
  }
}

function ReviewBadge({ persona }: { persona: Persona }) {
  if (!persona.is_stale) return null;
  return (
    <span className="badge badge-warn">{persona.last_reviewed_at ? 'Review overdue' : 'Never reviewed'}</span>
  );
}

function PersonaCard({
  persona: p,
  selecting,
  selected,
  selectable,
  onToggle,
  canDelete = false,
}: {
  persona: Persona;
  selecting: boolean;
  selected: boolean;
  selectable: boolean;
  onToggle: () => void;
  canDelete?: boolean;
}) {
  return (
    <article
      className={`repo-card ${selected ? 'selected' : ''}`}
      style={{ borderTopColor: p.color }}
      data-persona={p.id}
      aria-labelledby={`persona-${p.id}-name`}
    >
      {selecting && (
        <label className="repo-select" title={selectable ? undefined : `Up to ${MAX_COMPARED} personas`}>
          <input type="checkbox" checked={selected} disabled={!selectable} onChange={onToggle} />
          <span className="sr-only">Select {p.name} for comparison</span>
        </label>
      )}
      <div className="repo-card-top">
        <PersonaAvatar persona={p} size={64} />
        <div className="chip-row center">
          <span className={`tier tier-${p.tier}`}>{p.tier}</span>
          <ReviewBadge persona={p} />
        </div>
      </div>
      <h3 id={`persona-${p.id}-name`}>
        {selecting ? (
          <button type="button" className="repo-card-link" onClick={onToggle} disabled={!selectable}>
            {p.name}
          </button>
        ) : (
          <Link to={`/personas/${p.id}/`} className="repo-card-link">
            {p.name}
          </Link>
        )}
      </h3>
      <p className="muted repo-job">{[p.job_title, p.company].filter(Boolean).join(' at ') || '—'}</p>
      {p.quotes[0] ? <blockquote className="clamp-2">“{p.quotes[0]}”</blockquote> : p.bio ? <p className="repo-bio clamp-2">{p.bio}</p> : null}
      <dl className="repo-meta">
        <div>
          <dt>Last reviewed</dt>
          <dd>{p.last_reviewed_at ? formatDay(p.last_reviewed_at) : 'Never'}</dd>
        </div>
        <div>
          <dt>Owner</dt>
          <dd>{p.owner_name || <span className="muted">No owner</span>}</dd>
        </div>
      </dl>
      {canDelete && !selecting && <MoveToTrashButton kind="persona" id={p.id} title={p.name} className="btn btn-ghost btn-sm repo-card-delete" />}
    </article>
  );
}

/** `/personas/`: the workspace's persona repository — search, filter, sort, compare. */
export function PersonasPage() {
  const membership = useWorkspace();
  const workspace = membership?.workspace;
  const canEdit = membership?.role !== 'viewer';
  const personas = usePersonas(workspace);
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [selected, setSelected] = useState<string[]>([]);

  const query = params.get('q') ?? '';
  const tier = oneOf<Tier>(params.get('tier'), TIERS, 'all');
  const stale = oneOf<Staleness>(params.get('stale'), STALENESS, 'all');
  const sort = oneOf<Sort>(params.get('sort'), SORTS, 'name');
  const selecting = params.get('compare') === '1';

  function set(key: string, value: string | null, fallback = '') {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value === null || value === fallback) next.delete(key);
        else next.set(key, value);
        return next;
      },
      { replace: key === 'q' },
    );
  }

  const all = personas.data ?? [];
  const overdue = all.filter((p) => p.is_stale).length;
  const primary = all.filter((p) => p.tier === 'primary').length;
  const shown = all
    .filter((p) => matches(p, query))
    .filter((p) => tier === 'all' || p.tier === tier)
    .filter((p) => stale === 'all' || (stale === 'overdue' ? p.is_stale : !p.is_stale))
    .sort(compare(sort));
  const filtered = Boolean(query) || tier !== 'all' || stale !== 'all';
  const chosen = selected.filter((id) => all.some((p) => p.id === id));

  function toggle(id: string) {
    setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : s.length < MAX_COMPARED ? [...s, id] : s));
  }

  return (
    <div className="page personas-page">
      <div className="page-head">
        <div>
          <p className="eyebrow">{membership?.workspace_name ?? 'Workspace'}</p>
          <h1>Personas</h1>
          {personas.data && (
            <p className="muted repo-counts">
              {all.length} persona{all.length === 1 ? '' : 's'} · {overdue} overdue
              {filtered && ` · showing ${shown.length}`}
            </p>
          )}
        </div>
        <div className="page-head-actions">
          {all.length >= MIN_COMPARED && (
            <button
              type="button"
              className={`btn ${selecting ? 'btn-on' : ''}`}
              aria-pressed={selecting}
              onClick={() => {
                setSelected([]);
                set('compare', selecting ? null : '1');
              }}
            >
              {selecting ? 'Cancel compare' : 'Compare'}
            </button>
          )}
          {canEdit && (
            <Link to="/personas/new/" className="btn btn-primary">
              + New persona
            </Link>
          )}
        </div>
      </div>

      {primary > PRIMARY_LIMIT && (
        <div className="banner banner-warn" role="status">
          <strong>{primary} primary personas.</strong> Teams design best for a few — consider making some of them
          secondary so the primary ones stay a clear focus (at most {PRIMARY_LIMIT}).
        </div>
      )}

      <div className="repo-toolbar" role="search">
        <label className="repo-search">
          <span className="sr-only">Search personas</span>
          <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
            <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" strokeWidth="2" />
            <path d="m13 13 4 4" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
          </svg>
          <input
            type="search"
            value={query}
            placeholder="Search name, job, company, bio"
            onChange={(e) => set('q', e.target.value)}
          />
        </label>
        <label className="repo-filter">
          <span>Tier</span>
          <select value={tier} onChange={(e) => set('tier', e.target.value, 'all')}>
            {TIERS.map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="repo-filter">
          <span>Review</span>
          <select value={stale} onChange={(e) => set('stale', e.target.value, 'all')}>
            {STALENESS.map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="repo-filter">
          <span>Sort</span>
          <select value={sort} onChange={(e) => set('sort', e.target.value, 'name')}>
            {SORTS.map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>

      {selecting && (
        <div className="repo-compare-bar" role="status">
          <span>
            <strong>{chosen.length}</strong> of {MAX_COMPARED} selected
            <span className="muted"> · choose {MIN_COMPARED}–{MAX_COMPARED} personas</span>
          </span>
          <span className="repo-compare-actions">
            {chosen.length > 0 && (
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => setSelected([])}>
                Clear
              </button>
            )}
            <button
              type="button"
              className="btn btn-primary btn-sm"
              disabled={chosen.length < MIN_COMPARED}
              onClick={() => navigate(`/personas/compare/?ids=${chosen.join(',')}`)}
            >
              Compare selected
            </button>
          </span>
        </div>
      )}

      {personas.isPending && (
        <div className="skeleton-grid">
          {[0, 1, 2].map((i) => (
            <div key={i} className="skeleton" />
          ))}
        </div>
      )}
      {personas.error && (
        <p className="form-error" role="alert">
          {personas.error.message}
        </p>
      )}
      {shown.length > 0 && (
        <div className="repo-grid">
          {shown.map((p) => (
            <PersonaCard
              key={p.id}
              persona={p}
              selecting={selecting}
              selected={chosen.includes(p.id)}
              selectable={chosen.includes(p.id) || chosen.length < MAX_COMPARED}
              onToggle={() => toggle(p.id)}
              canDelete={canEdit}
            />
          ))}
        </div>
      )}
      {personas.data && all.length === 0 && (
        <div className="empty-inline">
          <p>No personas in this workspace yet.</p>
          {canEdit && (
            <Link to="/personas/new/" className="btn btn-primary">
              Create the first persona
            </Link>
          )}
        </div>
      )}
      {all.length > 0 && shown.length === 0 && (
        <div className="empty-inline">
          <p>No persona matches these filters.</p>
          <button type="button" className="btn" onClick={() => setParams(selecting ? { compare: '1' } : {})}>
            Clear filters
          </button>
        </div>
      )}
    </div>
  );
}
