import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, ApiError } from '../../api/http';
import { useWorkspace } from '../../app/auth';
import type { Segment } from '../../api/types';
import type { Json } from '../../sync/types';

/** One suggestion of GET /api/segments/suggestions/ (docs/architecture.md, "Suggested segments"). */
export interface SegmentSuggestion {
  name: string;
  description: string;
  rules: Json;
  conditions: string[];
  features: string[];
  cluster_size: number;
  rule_size: number;
  overlap: number;
  precision: number;
  recall: number;
}

export interface SegmentSuggestions {
  suggestions: SegmentSuggestion[];
  customers: number;
  sampled: number;
  k: number | null;
  silhouette: number | null;
  note: string;
}

/** A suggestion's identity across fetches: its rule (the same customers give the same rules). */
export function suggestionKey(suggestion: Pick<SegmentSuggestion, 'rules'>): string {
  return JSON.stringify(suggestion.rules);
}

/** Where Edit goes: the segment editor reads `rules` (JSON) and `name` from the query. */
export function editPath(suggestion: Pick<SegmentSuggestion, 'rules' | 'name'>): string {
  const query = new URLSearchParams({ rules: JSON.stringify(suggestion.rules), name: suggestion.name });
  return `/segments/new/?${query.toString()}`;
}

const MAX_DISCARDED = 200;
const storageKey = (workspaceId: string) => `journeymap.discardedSuggestions.${workspaceId}`;

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

function browserStorage(): KeyValueStore | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled
  }
}

/** The suggestions discarded in a workspace, as remembered by this browser. */
export function readDiscarded(workspaceId: string, store: KeyValueStore | null = browserStorage()): string[] {
  try {
    const value: unknown = JSON.parse(store?.getItem(storageKey(workspaceId)) ?? '[]');
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

/** Remember one more discarded suggestion (the newest `MAX_DISCARDED` are kept). */
export function rememberDiscarded(workspaceId: string, key: string, store: KeyValueStore | null = browserStorage()): string[] {
  const next = [...readDiscarded(workspaceId, store).filter((item) => item !== key), key].slice(-MAX_DISCARDED);
  try {
    store?.setItem(storageKey(workspaceId), JSON.stringify(next));
  } catch {
    // full or disabled storage: the suggestion stays hidden until the page reloads
  }
  return next;
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

/** How faithful a rule is to its cluster, in one sentence. */
export function fidelityText(s: Pick<SegmentSuggestion, 'rule_size' | 'cluster_size' | 'precision' | 'recall'>): string {
  return (
    `The rule selects ${s.rule_size.toLocaleString()} customers for a group of ${s.cluster_size.toLocaleString()}: ` +
    `${percent(s.precision)} of them are in the group, and it finds ${percent(s.recall)} of the group.`
  );
}

function SuggestionCard({
  suggestion,
  accepting,
  onAccept,
  onEdit,
  onDiscard,
  canCreate,
}: {
  suggestion: SegmentSuggestion;
  accepting: boolean;
  onAccept: () => void;
  onEdit: () => void;
  onDiscard: () => void;
  /** Viewers may look, not create: Accept and Edit are for owners and editors. */
  canCreate: boolean;
}) {
  const faithful = suggestion.precision >= 0.8;
  return (
    <li className="suggestion-card">
      <div className="suggestion-text">
        <h3>{suggestion.name}</h3>
        <p className="muted small">{suggestion.description}</p>
        <ul className="suggestion-rule" aria-label="Rule: all of">
          {suggestion.conditions.map((condition) => (
            <li key={condition} className="rule">
              {condition}
            </li>
          ))}
        </ul>
        <p className="small">
          <strong>{suggestion.rule_size.toLocaleString()}</strong> customers ·{' '}
          <span className={`badge${faithful ? '' : ' badge-warn'}`} title="share of the rule's customers in the cluster">
            {percent(suggestion.precision)} precise
          </span>
        </p>
        <p className="muted small">{fidelityText(suggestion)}</p>
      </div>
      <div className="suggestion-actions">
        {canCreate && (
          <>
            <button type="button" className="btn btn-primary btn-sm" onClick={onAccept} disabled={accepting} aria-label={`Accept segment ${suggestion.name}`}>
              {accepting ? 'Creating…' : 'Accept'}
            </button>
            <button type="button" className="btn btn-sm" onClick={onEdit} aria-label={`Edit segment ${suggestion.name} before creating it`}>
              Edit
            </button>
          </>
        )}
        <button type="button" className="btn btn-ghost btn-sm" onClick={onDiscard} aria-label={`Discard suggestion ${suggestion.name}`}>
          Discard
        </button>
      </div>
    </li>
  );
}

/** "Suggested segments": clusters of the workspace's customers, each as a rule to accept, edit or discard. */
export function SuggestedSegments({ workspaceId }: { workspaceId: string }) {
  const membership = useWorkspace();
  const canCreate = membership?.role === 'owner' || membership?.role === 'editor';
  const navigate = useNavigate();
  const client = useQueryClient();
  const [requested, setRequested] = useState(false);
  const [discarded, setDiscarded] = useState<string[]>(() => readDiscarded(workspaceId));
  const [discardedFor, setDiscardedFor] = useState(workspaceId);
  const [error, setError] = useState<string | null>(null);
  if (discardedFor !== workspaceId) {
    // another workspace: its own discarded list
    setDiscardedFor(workspaceId);
    setDiscarded(readDiscarded(workspaceId));
  }

  const suggestions = useQuery({
    queryKey: ['segment-suggestions', workspaceId],
    queryFn: ({ signal }) =>
      api<SegmentSuggestions>(`/api/segments/suggestions/?workspace=${encodeURIComponent(workspaceId)}`, { signal }),
    enabled: requested && Boolean(workspaceId),
    staleTime: 5 * 60_000,
  });
  const accept = useMutation({
    mutationFn: (s: SegmentSuggestion) =>
      api<Segment>('/api/segments/', {
        method: 'POST',
        body: { workspace: workspaceId, name: s.name, description: s.description, rules: s.rules },
      }),
    onSuccess: async (created) => {
      setError(null);
      await client.invalidateQueries({ queryKey: ['segments', workspaceId] });
      navigate(`/segments/${created.id}/`);
    },
    onError: (e) => setError(e instanceof ApiError ? e.message : 'The segment was not created.'),
  });

  const busy = suggestions.isFetching;
  const data = suggestions.data;
  const visible = (data?.suggestions ?? []).filter((s) => !discarded.includes(suggestionKey(s)));
  const hidden = (data?.suggestions.length ?? 0) - visible.length;
  const fetchError = suggestions.error ? (suggestions.error instanceof ApiError ? suggestions.error.message : 'Suggestions could not be loaded.') : null;

  let status = '';
  if (busy) status = 'Looking for groups among your customers…';
  else if (data && data.suggestions.length === 0) status = data.note;
  else if (data) status = `${visible.length} suggested ${visible.length === 1 ? 'segment' : 'segments'} from ${data.customers.toLocaleString()} customers.`;

  const run = () => {
    setError(null);
    if (requested) void suggestions.refetch();
    else setRequested(true);
  };

  return (
    <section className="panel suggested-segments" aria-labelledby="suggested-segments-title">
      <div className="section-head">
        <h2 id="suggested-segments-title">Suggested segments</h2>
        <button type="button" className="btn" onClick={run} disabled={busy || !workspaceId} aria-busy={busy}>
          {busy ? 'Suggesting…' : data ? 'Suggest again' : 'Suggest segments'}
        </button>
      </div>
      <p className="muted small">
        Groups of similar customers (age, income, signup, purchases, gender), each described by a rule you can accept as a segment, edit first, or discard.
      </p>
      <p role="status" aria-live="polite" className="small">
        {status}
        {!busy && hidden > 0 && ` ${hidden} discarded.`}
      </p>
      {(fetchError || error) && (
        <p className="form-error" role="alert">
          {error ?? fetchError}
        </p>
      )}
      {visible.length > 0 && !busy && (
        <ul className="suggestion-list" aria-label="Suggested segments">
          {visible.map((s) => (
            <SuggestionCard
              key={suggestionKey(s)}
              suggestion={s}
              accepting={accept.isPending && accept.variables === s}
              canCreate={canCreate}
              onAccept={() => accept.mutate(s)}
              onEdit={() => navigate(editPath(s))}
              onDiscard={() => setDiscarded(rememberDiscarded(workspaceId, suggestionKey(s)))}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
