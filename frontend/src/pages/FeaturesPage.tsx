import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError } from '../api/http';
import { useFeatures, usePersonas } from '../api/queries';
import type { Feature, Persona } from '../api/types';
import { useWorkspace } from '../app/auth';
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

function FeatureRow({
  feature,
  personas,
  readOnly,
  save,
  remove,
}: {
  feature: Feature;
  personas: Persona[];
  readOnly: boolean;
  save: (id: string, changes: Partial<Feature>) => void;
  remove: (feature: Feature) => void;
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
 * with a relevance of 1–5 (click a dot), untag, delete; filter by persona and status.
 */
export function FeaturesPage() {
  const membership = useWorkspace();
  const workspace = membership?.workspace;
  const readOnly = membership?.role === 'viewer';
  const features = useFeatures(workspace);
  const personas = usePersonas(workspace);
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [personaFilter, setPersonaFilter] = useState('');
  const [statusFilter, setStatusFilter] = useState('');

  const refresh = () => client.invalidateQueries({ queryKey: ['features', workspace] });
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
    onSuccess: refresh,
    onError: fail,
  });

  const list = useMemo(
    () =>
      (features.data ?? []).filter(
        (f) => (!personaFilter || f.persona_tags.some((t) => t.persona === personaFilter)) && (!statusFilter || f.status === statusFilter),
      ),
    [features.data, personaFilter, statusFilter],
  );
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
          <p className="muted">Which persona each feature serves, and how much it matters to them (1–5).</p>
        </div>
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
      </div>
      <table className="table features-table">
        <thead>
          <tr>
            <th scope="col">Feature</th>
            <th scope="col">Status</th>
            <th scope="col">Personas (relevance)</th>
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
              readOnly={readOnly}
              save={(id, changes) => update.mutate({ id, changes })}
              remove={(feature) => destroy.mutate(feature.id)}
            />
          ))}
        </tbody>
      </table>
      {features.data?.length === 0 && <p className="muted">No features yet.</p>}
      {features.data && features.data.length > 0 && list.length === 0 && <p className="muted">No feature matches these filters.</p>}
    </div>
  );
}
