/** Create or edit a segment: name, description, rules in the builder with a live count,
 * and the personas it is linked to. An edit sends only the fields that changed, so two
 * people editing different fields of one segment do not undo each other. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { RuleGroupType } from 'react-querybuilder';
import { useNavigate } from 'react-router-dom';
import { api, ApiError } from '../api/http';
import { usePersonas } from '../api/queries';
import { useRuleGrammar, useSegmentPreview } from '../api/segments';
import type { Segment } from '../api/types';
import type { Json } from '../sync/types';
import { RuleBuilder } from './RuleBuilder';
import { fieldLabel, fromQuery, itemAtPath, toQuery } from './rulesMapping';

const PREVIEW_DELAY_MS = 300;

/** The value, once it has stopped changing for `delay` ms. */
function useDebounced<T>(value: T, delay: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), delay);
    return () => window.clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

type Payload = { name?: string; description?: string; rules?: Json; personas?: string[] };

export function SegmentForm({
  workspace,
  segment,
  onDone,
  draft,
}: {
  workspace: string;
  segment?: Segment;
  onDone?: () => void;
  /** A new segment's starting point (a suggested segment the user chose to edit first). */
  draft?: { name: string; rules: Json };
}) {
  const grammar = useRuleGrammar(workspace);
  const personas = usePersonas(workspace);
  const client = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState(segment?.name ?? draft?.name ?? '');
  const [description, setDescription] = useState(segment?.description ?? '');
  const [linked, setLinked] = useState<string[]>(segment?.personas ?? []);
  const [query, setQuery] = useState<RuleGroupType>(() => toQuery(segment?.rules ?? draft?.rules ?? {}));

  const mapped = useMemo(() => (grammar.data ? fromQuery(query, grammar.data) : null), [query, grammar.data]);
  const complete = mapped && mapped.problems.length === 0 ? mapped.rules : null;
  const rulesKey = useDebounced(complete === null ? null : JSON.stringify(complete), PREVIEW_DELAY_MS);
  const preview = useSegmentPreview(workspace, rulesKey === null ? null : (JSON.parse(rulesKey) as Json));

  const save = useMutation({
    mutationFn: (payload: Payload) =>
      segment
        ? api<Segment>(`/api/segments/${segment.id}/`, { method: 'PATCH', body: payload })
        : api<Segment>('/api/segments/', { method: 'POST', body: { workspace, ...payload } }),
    onSuccess: async (saved) => {
      await Promise.all([
        client.invalidateQueries({ queryKey: ['segments', workspace] }),
        client.invalidateQueries({ queryKey: ['segment', saved.id] }),
        client.invalidateQueries({ queryKey: ['segment-customers', saved.id] }),
        client.invalidateQueries({ queryKey: ['segment-snapshots', saved.id] }),
        client.invalidateQueries({ queryKey: ['persona'] }),
      ]);
      if (segment) onDone?.();
      else navigate(`/segments/${saved.id}/`);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!mapped || mapped.problems.length) return;
    const all: Payload = { name: name.trim(), description, rules: mapped.rules, personas: linked };
    if (!segment) return save.mutate(all);
    const changed: Payload = {};
    if (all.name !== segment.name) changed.name = all.name;
    if (description !== segment.description) changed.description = description;
    if (JSON.stringify(mapped.rules) !== JSON.stringify(segment.rules)) changed.rules = mapped.rules;
    if ([...linked].sort().join() !== [...segment.personas].sort().join()) changed.personas = linked;
    if (Object.keys(changed).length === 0) return onDone?.();
    save.mutate(changed);
  };

  const serverProblem = preview.error ?? save.error;
  const problemText = serverProblem ? explain(serverProblem, query) : null;
  const shown = preview.data;

  return (
    <form className="segment-form panel" onSubmit={submit} aria-label={segment ? `Edit ${segment.name}` : 'New segment'}>
      <div className="segment-form-grid">
        <label className="field">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </label>
        <label className="field">
          <span>Description</span>
          <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={2} />
        </label>
      </div>

      <fieldset className="field">
        <legend>Rules</legend>
        {grammar.data ? (
          <RuleBuilder
            grammar={grammar.data}
            query={query}
            onQueryChange={setQuery}
            invalid={(mapped?.problems ?? []).map((p) => p.id)}
          />
        ) : (
          <p className="muted">{grammar.error ? grammar.error.message : 'Loading the fields…'}</p>
        )}
      </fieldset>

      <div className="segment-preview" role="status" aria-live="polite" data-testid="segment-preview">
        {mapped && mapped.problems.length > 0 ? (
          <ul className="form-error">
            {mapped.problems.map((p, i) => (
              <li key={`${p.id}-${i}`}>{p.message}</li>
            ))}
          </ul>
        ) : problemText && preview.error ? (
          <p className="form-error">{problemText}</p>
        ) : shown ? (
          <>
            <p className="preview-count">
              <strong>{shown.size.toLocaleString()}</strong> of {shown.total.toLocaleString()} customers
              {preview.isFetching && <span className="muted"> (updating…)</span>}
            </p>
            {shown.sample.length > 0 && (
              <p className="muted preview-sample">
                e.g. {shown.sample.map((c) => c.name || c.external_id).join(', ')}
                {shown.size > shown.sample.length ? '…' : ''}
              </p>
            )}
          </>
        ) : (
          <p className="muted">Counting…</p>
        )}
      </div>

      <fieldset className="field segment-personas">
        <legend>Linked personas</legend>
        {(personas.data ?? []).length === 0 && <p className="muted">No personas in this workspace yet.</p>}
        <div className="chip-row">
          {(personas.data ?? []).map((p) => (
            <label key={p.id} className="chip chip-check">
              <input
                type="checkbox"
                checked={linked.includes(p.id)}
                onChange={(e) => setLinked((now) => (e.target.checked ? [...now, p.id] : now.filter((id) => id !== p.id)))}
              />
              {p.name}
            </label>
          ))}
        </div>
      </fieldset>

      {save.error && <p className="form-error" role="alert">{explain(save.error, query)}</p>}
      <div className="form-actions">
        {segment && (
          <button type="button" className="btn btn-ghost" onClick={onDone}>
            Cancel
          </button>
        )}
        <button type="submit" className="btn btn-primary" disabled={save.isPending || !name.trim() || !mapped || mapped.problems.length > 0}>
          {save.isPending ? 'Saving…' : segment ? 'Save changes' : 'Create segment'}
        </button>
      </div>
    </form>
  );
}

/** A refusal in words, pointing at the condition the server named when it named one. */
function explain(error: Error, query: RuleGroupType): string {
  if (!(error instanceof ApiError)) return error.message;
  const body = error.body as { path?: string; detail?: string } | null;
  if (body?.path) {
    const item = itemAtPath(query, body.path);
    const where = item && 'field' in item ? `${fieldLabel(item.field)}: ` : '';
    return `${where}${body.detail ?? error.message}`;
  }
  return error.message;
}
