import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { downloadExport } from '../api/exports';
import { api, ApiError } from '../api/http';
import { useFeaturePriorities, useFeatures, usePersonas, useWorkspaceFrictions } from '../api/queries';
import type { Feature, FeaturePriority, Persona, WorkspaceFriction } from '../api/types';
import { useWorkspace } from '../app/auth';
import { newId } from '../board/model';
import { PersonaAvatar } from './personaBits';

const STATUSES: [string, string][] = [
  ['idea', 'Idea'],
  ['planned', 'Planned'],
  ['in_progress', 'In progress'],
  ['shipped', 'Shipped'],
];

type Tag = Feature['persona_tags'][number];

/** Relevance 1–5 as five buttons: a click sets it, a click on the current value keeps it. */
function Relevance({ value, label, disabled, onChange }: { value: number; label: string; disabled: boolean; onChange: (v: number) => void }) {
  return (
    <span className="relevance-picker" role="radiogroup" aria-label={label}>
      {[1, 2, 3, 4, 5].map((n) => (
        <button
          key={n}
          type="button"
          role="radio"
          aria-checked={value === n}
          aria-label={`${n} of 5`}
          className={n <= value ? 'on' : ''}
          disabled={disabled}
          onClick={() => onChange(n)}
        >
          ●
        </button>
      ))}
    </span>
  );
}


type SortKey = 'score' | 'name' | 'status';

const points = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
const plural = (n: number, word: string) => `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;

/** The score's breakdown, one line per reason, as docs/features.md computes it. */
export function scoreLines(priority: FeaturePriority): { text: string; sub?: boolean }[] {
  const { personas, reach, friction } = priority.parts;
  const lines: { text: string; sub?: boolean }[] = [{ text: `Personas: ${points(personas.points)}` }];
  for (const p of personas.items) {
    lines.push({ sub: true, text: `${p.name}: ${p.tier} ${p.weight} × relevance ${p.relevance} = ${points(p.points)}` });
  }
  lines.push({
    text: `Reach: ${points(reach.points)} = log₂(1 + ${plural(reach.customers, 'customer')} in ${plural(reach.segments.length, 'segment')})`,
  });
  lines.push({ text: `Friction: ${points(friction.points)}` });
  for (const f of friction.items) {
    const how =
      f.weight === 0
        ? `${f.status}, counts 0`
        : f.measured
          ? `severity ${f.severity} × log₂(1 + ${plural(f.traffic ?? 0, 'customer')})`
          : `severity ${f.severity}, no event log`;
    lines.push({ sub: true, text: `${f.title} (${f.map_title}): ${how} = ${points(f.points)}` });
  }
  for (const note of priority.notes) lines.push({ text: note });
  return lines;
}

/** The score; hovering or focusing it shows how it was reached (also its accessible description). */
function ScoreCell({ feature, priority }: { feature: Feature; priority: FeaturePriority | undefined }) {
  const tipId = `score-tip-${feature.id}`;
  if (!priority) return <span className="muted">…</span>;
  return (
    <span className="score-cell">
      <button
        type="button"
        className="score-badge"
        data-testid="feature-score"
        aria-label={`Priority score of ${feature.name}: ${points(priority.score)}`}
        aria-describedby={tipId}
        onKeyDown={(e) => e.key === 'Escape' && (e.target as HTMLButtonElement).blur()}
      >
        {points(priority.score)}
      </button>
      <span role="tooltip" id={tipId} className="score-tip">
        <strong>
          Priority {points(priority.score)} = personas + reach + friction
        </strong>
        {scoreLines(priority).map((line, i) => (
          <span key={i} className={line.sub ? 'score-line sub' : 'score-line'}>
            {line.text}
          </span>
        ))}
      </span>
    </span>
  );
}

/** The friction points a feature resolves, and a picker of the workspace's, grouped by map. */
function FrictionLinks({
  feature,
  frictions,
  readOnly,
  toggle,
}: {
  feature: Feature;
  frictions: WorkspaceFriction[];
  readOnly: boolean;
  toggle: (friction: WorkspaceFriction, on: boolean) => void;
}) {
  const [open, setOpen] = useState(false);
  const panelId = `friction-picker-${feature.id}`;
  const linked = frictions.filter((f) => f.features.includes(feature.id));
  const maps = useMemo(() => {
    const groups = new Map<string, { title: string; items: WorkspaceFriction[] }>();
    for (const f of frictions) {
      const group = groups.get(f.map) ?? { title: f.map_title, items: [] };
      group.items.push(f);
      groups.set(f.map, group);
    }
    return [...groups.entries()];
  }, [frictions]);
  return (
    <div className="friction-links">
      <ul className="tag-list" aria-label={`Friction points resolved by ${feature.name}`}>
        {linked.map((f) => (
          <li key={f.id} className="tag-item">
            <span className="chip friction-chip">
              <span className={`sev-pill sev-${f.severity}`} title={`Severity ${f.severity} of 5`}>
                S{f.severity}
              </span>
              {f.title}
              <span className="muted">· {f.map_title}</span>
            </span>
            {!readOnly && (
              <button type="button" className="icon-btn small" aria-label={`Unlink ${f.title} from ${feature.name}`} onClick={() => toggle(f, false)}>
                ×
              </button>
            )}
          </li>
        ))}
      </ul>
      {!readOnly && (
        <button
          type="button"
          className={`btn btn-ghost small ${open ? 'on' : ''}`}
          aria-expanded={open}
          aria-controls={panelId}
          aria-label={`Link friction points to ${feature.name}`}
          onClick={() => setOpen(!open)}
        >
          {/* The visible text starts the accessible name (WCAG 2.5.3); aria-expanded says open. */}
          Link friction points
        </button>
      )}
      {open && (
        <div id={panelId} className="friction-picker" role="group" aria-label={`Friction points to link to ${feature.name}`}>
          {maps.map(([mapId, group]) => (
            <fieldset key={mapId}>
              <legend>{group.title}</legend>
              {group.items.map((f) => (
                <label key={f.id} className="friction-option">
                  <input type="checkbox" checked={f.features.includes(feature.id)} onChange={(e) => toggle(f, e.target.checked)} />
                  <span className="friction-option-title">{f.title}</span>
                  <span className={`sev-pill sev-${f.severity}`}>Severity {f.severity}</span>
                  {f.status !== 'open' && <span className={`status status-${f.status}`}>{f.status}</span>}
                </label>
              ))}
            </fieldset>
          ))}
          {frictions.length === 0 && <p className="muted">No friction points on any map yet.</p>}
        </div>
      )}
    </div>
  );
}

function FeatureRow({
  feature,
  personas,
  priority,
  frictions,
  readOnly,
  save,
  remove,
  link,
}: {
  feature: Feature;
  personas: Persona[];
  priority: FeaturePriority | undefined;
  frictions: WorkspaceFriction[];
  readOnly: boolean;
  save: (id: string, changes: Partial<Feature>) => void;
  remove: (feature: Feature) => void;
  link: (friction: WorkspaceFriction, feature: Feature, on: boolean) => void;
}) {
  const [name, setName] = useState(feature.name);
  const [description, setDescription] = useState(feature.description);
  const [editing, setEditing] = useState(false);
  // Take the saved text when it changes (another tab, a refused save), unless mid-edit.
  useEffect(() => {
    if (!editing) {
      setName(feature.name);
      setDescription(feature.description);
    }
  }, [feature.name, feature.description, editing]);
  const byId = new Map(personas.map((p) => [p.id, p]));
  const untagged = personas.filter((p) => !feature.persona_tags.some((t) => t.persona === p.id));
  const setTags = (tags: Tag[]) => save(feature.id, { persona_tags: tags });
  const commitText = () => {
    setEditing(false);
    const changes: Partial<Feature> = {};
    if (name.trim() && name.trim() !== feature.name) changes.name = name.trim();
    else setName(feature.name);
    if (description !== feature.description) changes.description = description;
    if (Object.keys(changes).length) save(feature.id, changes);
  };
  return (
    <tr data-testid="feature-row">
      <td>
        {readOnly ? (
          <>
            <strong>{feature.name}</strong>
            {feature.description && <div className="muted clamp-2">{feature.description}</div>}
          </>
        ) : (
          <div className="feature-text">
            <input
              className="feature-name"
              aria-label={`Name of ${feature.name}`}
              value={name}
              maxLength={200}
              onFocus={() => setEditing(true)}
              onChange={(e) => setName(e.target.value)}
              onBlur={commitText}
              onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
            />
            <textarea
              aria-label={`Description of ${feature.name}`}
              placeholder="What it does, for whom"
              value={description}
              rows={2}
              onFocus={() => setEditing(true)}
              onChange={(e) => setDescription(e.target.value)}
              onBlur={commitText}
            />
          </div>
        )}
      </td>
      <td className="score-col">
        <ScoreCell feature={feature} priority={priority} />
      </td>
      <td>
        {readOnly ? (
          <span className={`status status-${feature.status}`}>{feature.status.replace('_', ' ')}</span>
        ) : (
          <select aria-label={`Status of ${feature.name}`} value={feature.status} onChange={(e) => save(feature.id, { status: e.target.value })}>
            {STATUSES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        )}
      </td>
      <td>
        <ul className="tag-list" aria-label={`Personas of ${feature.name}`}>
          {feature.persona_tags.map((tag) => {
            const persona = byId.get(tag.persona);
            if (!persona) return null;
            return (
              <li key={tag.persona} className="tag-item">
                <Link to={`/personas/${persona.id}/`} className="chip">
                  <PersonaAvatar persona={persona} size={18} /> {persona.name}
                </Link>
                <Relevance
                  value={tag.relevance}
                  label={`Relevance of ${feature.name} to ${persona.name}`}
                  disabled={readOnly}
                  onChange={(relevance) =>
                    setTags(feature.persona_tags.map((t) => (t.persona === tag.persona ? { ...t, relevance } : t)))
                  }
                />
                {!readOnly && (
                  <button
                    type="button"
                    className="icon-btn small"
                    aria-label={`Untag ${persona.name} from ${feature.name}`}
                    onClick={() => setTags(feature.persona_tags.filter((t) => t.persona !== tag.persona))}
                  >
                    ×
                  </button>
                )}
              </li>
            );
          })}
        </ul>
        {!readOnly && untagged.length > 0 && (
          <select
            aria-label={`Tag a persona to ${feature.name}`}
            value=""
            onChange={(e) => e.target.value && setTags([...feature.persona_tags, { persona: e.target.value, relevance: 3 }])}
          >
            <option value="">+ Tag a persona…</option>
            {untagged.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        )}
      </td>
      <td>
        <FrictionLinks feature={feature} frictions={frictions} readOnly={readOnly} toggle={(friction, on) => link(friction, feature, on)} />
      </td>
      {!readOnly && (
        <td>
          <button type="button" className="btn btn-ghost small" aria-label={`Delete ${feature.name}`} onClick={() => remove(feature)}>
            Delete
          </button>
        </td>
      )}
    </tr>
  );
}

/**
 * The product manager's feature list: create, rename, describe, set the status, tag personas
 * with a relevance of 1–5 (click a dot), untag, delete; link the friction points a feature
 * resolves (an op on each friction point, the maps' one write path); the server's priority
 * score with its breakdown; sort, filter by persona, status and minimum score; export as CSV.
 */
export function FeaturesPage() {
  const membership = useWorkspace();
  const workspace = membership?.workspace;
  const readOnly = membership?.role === 'viewer';
  const features = useFeatures(workspace);
  const personas = usePersonas(workspace);
  const priorities = useFeaturePriorities(workspace);
  const frictions = useWorkspaceFrictions(workspace);
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [personaFilter, setPersonaFilter] = useState('');
  const [statusFilter, setStatusFilter] = useState('');
  const [minScore, setMinScore] = useState('');
  const [sort, setSort] = useState<SortKey>('score');
  const [exporting, setExporting] = useState(false);

  // A feature's score moves with its tags and status, and with its friction points.
  const refreshScores = () => client.invalidateQueries({ queryKey: ['feature-priorities', workspace] });
  const refresh = () => Promise.all([client.invalidateQueries({ queryKey: ['features', workspace] }), refreshScores()]);
  const fail = (e: unknown) => setError(e instanceof ApiError ? e.message : 'The change was not saved.');
  const create = useMutation({
    mutationFn: (name: string) => api<Feature>('/api/features/', { method: 'POST', body: { workspace, name, status: 'idea' } }),
    onSuccess: () => {
      setDraft('');
      setError(null);
      return refresh();
    },
    onError: fail,
  });
  const update = useMutation({
    mutationFn: ({ id, changes }: { id: string; changes: Partial<Feature> }) => api<Feature>(`/api/features/${id}/`, { method: 'PATCH', body: changes }),
    onSuccess: () => {
      setError(null);
      return refresh();
    },
    onError: (e) => {
      fail(e);
      return refresh();
    },
  });
  const destroy = useMutation({
    mutationFn: (id: string) => api<void>(`/api/features/${id}/`, { method: 'DELETE' }),
    onSuccess: () => Promise.all([refresh(), client.invalidateQueries({ queryKey: ['friction-points', workspace] })]),
    onError: fail,
  });
  // A link is a field of the friction point: one `update` op on its map, the same write path
  // as the board, so every open board of that map sees it.
  const link = useMutation({
    mutationFn: ({ friction, features: ids }: { friction: WorkspaceFriction; features: string[] }) =>
      api(`/api/maps/${friction.map}/ops/`, {
        method: 'POST',
        body: { op_id: newId(), ops: [{ action: 'update', entity: 'friction', id: friction.id, fields: { features: ids } }] },
      }),
    onMutate: ({ friction, features: ids }) => {
      client.setQueryData<WorkspaceFriction[]>(['friction-points', workspace], (rows) =>
        rows?.map((row) => (row.id === friction.id ? { ...row, features: ids } : row)),
      );
    },
    onSuccess: () => setError(null),
    onError: fail,
    onSettled: () => Promise.all([client.invalidateQueries({ queryKey: ['friction-points', workspace] }), refreshScores()]),
  });
  const toggleLink = (friction: WorkspaceFriction, feature: Feature, on: boolean) => {
    // The latest list we know of (the picker's own optimistic state included).
    const current = client.getQueryData<WorkspaceFriction[]>(['friction-points', workspace])?.find((f) => f.id === friction.id)?.features ?? friction.features;
    const ids = on ? [...new Set([...current, feature.id])] : current.filter((id) => id !== feature.id);
    link.mutate({ friction, features: ids });
  };
  const exportCsv = async () => {
    if (!workspace) return;
    setExporting(true);
    try {
      await downloadExport(`/api/feature-priorities/export.csv?workspace=${encodeURIComponent(workspace)}`, 'features.csv');
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'The export failed.');
    } finally {
      setExporting(false);
    }
  };

  const scores = useMemo(() => new Map((priorities.data ?? []).map((p) => [p.feature, p])), [priorities.data]);
  const list = useMemo(() => {
    const floor = minScore.trim() === '' ? null : Number(minScore);
    const statusRank = (status: string) => STATUSES.findIndex(([value]) => value === status);
    const score = (f: Feature) => scores.get(f.id)?.score ?? 0;
    const kept = (features.data ?? []).filter(
      (f) =>
        (!personaFilter || f.persona_tags.some((t) => t.persona === personaFilter)) &&
        (!statusFilter || f.status === statusFilter) &&
        (floor === null || Number.isNaN(floor) || score(f) >= floor),
    );
    const byName = (a: Feature, b: Feature) => a.name.localeCompare(b.name);
    const order: Record<SortKey, (a: Feature, b: Feature) => number> = {
      score: (a, b) => score(b) - score(a) || byName(a, b),
      name: byName,
      status: (a, b) => statusRank(a.status) - statusRank(b.status) || byName(a, b),
    };
    return [...kept].sort(order[sort]);
  }, [features.data, personaFilter, statusFilter, minScore, sort, scores]);
  const onCreate = (e: FormEvent) => {
    e.preventDefault();
    if (draft.trim()) create.mutate(draft.trim());
  };

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <p className="eyebrow">Product</p>
          <h1>Features</h1>
          <p className="muted">
            Which persona each feature serves, how much it matters to them (1–5), and the friction points it resolves. The priority score adds
            them up; hover or focus a score to see how.
          </p>
        </div>
        <button type="button" className="btn" onClick={exportCsv} disabled={exporting || !workspace}>
          {exporting ? 'Exporting…' : 'Export CSV'}
        </button>
      </div>
      {!readOnly && (
        <form className="inline-form" onSubmit={onCreate} aria-label="New feature">
          <input aria-label="New feature name" placeholder="New feature…" value={draft} maxLength={200} onChange={(e) => setDraft(e.target.value)} />
          <button type="submit" className="btn btn-primary" disabled={!draft.trim() || create.isPending}>
            Add feature
          </button>
        </form>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="matrix-controls">
        <label className="field-inline">
          <span>Persona</span>
          <select aria-label="Filter by persona" value={personaFilter} onChange={(e) => setPersonaFilter(e.target.value)}>
            <option value="">All personas</option>
            {(personas.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          <span>Status</span>
          <select aria-label="Filter by status" value={statusFilter} onChange={(e) => setStatusFilter(e.target.value)}>
            <option value="">Any status</option>
            {STATUSES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline score-filter">
          <span>Min. score</span>
          <input type="number" min={0} step={1} inputMode="decimal" aria-label="Minimum score" placeholder="Any" value={minScore} onChange={(e) => setMinScore(e.target.value)} />
        </label>
        <label className="field-inline">
          <span>Sort</span>
          <select aria-label="Sort features by" value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
            <option value="score">Priority score</option>
            <option value="name">Name</option>
            <option value="status">Status</option>
          </select>
        </label>
      </div>
      <table className="table features-table">
        <thead>
          <tr>
            <th scope="col">Feature</th>
            <th scope="col" aria-sort={sort === 'score' ? 'descending' : undefined}>
              Score
            </th>
            <th scope="col">Status</th>
            <th scope="col">Personas (relevance)</th>
            <th scope="col">Friction points</th>
            {!readOnly && (
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {list.map((f) => (
            <FeatureRow
              key={f.id}
              feature={f}
              personas={personas.data ?? []}
              priority={scores.get(f.id)}
              frictions={frictions.data ?? []}
              readOnly={readOnly}
              save={(id, changes) => update.mutate({ id, changes })}
              remove={(feature) => destroy.mutate(feature.id)}
              link={toggleLink}
            />
          ))}
        </tbody>
      </table>
      {features.data?.length === 0 && <p className="muted">No features yet.</p>}
      {features.data && features.data.length > 0 && list.length === 0 && <p className="muted">No feature matches these filters.</p>}
    </div>
  );
}
