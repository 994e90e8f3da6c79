import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, listOf } from '../api/http';
import type { HistoryItem, MapVersionInfo } from '../api/types';
import { useBoard } from './BoardContext';
import { Icon } from './icons';

const VERB: Record<string, string> = { create: 'added', update: 'edited', move: 'moved', delete: 'deleted' };
const NOUN: Record<string, string> = {
  map: 'the map',
  stage: 'a stage',
  lane: 'a lane',
  card: 'a card',
  touchpoint: 'a touchpoint',
  friction: 'a friction point',
  content: 'content',
  emotion: 'a feeling',
  transition: 'a transition',
  comment: 'a comment',
  vote: 'a vote',
};

function describe(item: HistoryItem, actor: string): string {
  for (const key of ['summary', 'description', 'text']) {
    const value = item[key];
    // The server's summary reads "<who> <did what>"; the name is shown on its own.
    if (typeof value === 'string' && value) return value.startsWith(`${actor} `) ? value.slice(actor.length + 1) : value;
  }
  const ops = item.ops ?? [];
  const first = ops[0];
  if (!first) return 'changed the map';
  const name = first.fields && (first.fields.title ?? first.fields.name ?? first.fields.body);
  const what = `${VERB[first.action] ?? first.action} ${NOUN[first.entity] ?? first.entity}${typeof name === 'string' ? ` “${name}”` : ''}`;
  return ops.length > 1 ? `${what} and ${ops.length - 1} more change${ops.length > 2 ? 's' : ''}` : what;
}

function actorName(item: HistoryItem): string {
  if (item.actor && typeof item.actor === 'object' && 'name' in item.actor) return item.actor.name || 'Someone';
  const name = item.actor_name;
  return typeof name === 'string' && name ? name : 'Someone';
}

function when(iso: string | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function HistoryPanel({ mapId, onClose }: { mapId: string; onClose: () => void }) {
  const board = useBoard();
  const client = useQueryClient();
  const [tab, setTab] = useState<'activity' | 'versions'>('activity');
  const [name, setName] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const seq = board.state.seq;
  const history = useQuery({
    queryKey: ['history', mapId, seq],
    queryFn: async () => listOf(await api<HistoryItem[] | { results: HistoryItem[] }>(`/api/maps/${mapId}/history/`)),
    enabled: tab === 'activity',
  });
  const versions = useQuery({
    queryKey: ['versions', mapId],
    queryFn: async () =>
      listOf(await api<MapVersionInfo[] | { results: MapVersionInfo[] }>(`/api/maps/${mapId}/versions/`)),
  });
  const save = useMutation({
    mutationFn: (versionName: string) =>
      api<MapVersionInfo>(`/api/maps/${mapId}/versions/`, { method: 'POST', body: { name: versionName } }),
    onSuccess: () => {
      setName('');
      setMessage('Version saved.');
      client.invalidateQueries({ queryKey: ['versions', mapId] });
    },
    onError: (error: Error) => setMessage(`Could not save: ${error.message}`),
  });
  const restore = useMutation({
    mutationFn: (version: MapVersionInfo) =>
      api(`/api/maps/${mapId}/versions/${version.id}/restore/`, { method: 'POST', body: {} }),
    onSuccess: (_data, version) => setMessage(`Restored “${version.name}”. Everyone's board follows.`),
    onError: (error: Error) => setMessage(`Could not restore: ${error.message}`),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (name.trim()) save.mutate(name.trim());
  }

  return (
    <aside className="side-panel history-panel" aria-label="Version history">
      <div className="side-head">
        <h2>
          <Icon name="history" size={18} /> History
        </h2>
        <button type="button" className="icon-btn" aria-label="Close history" onClick={onClose}>
          <Icon name="close" size={16} />
        </button>
      </div>
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'activity'} onClick={() => setTab('activity')}>
          Activity
        </button>
        <button type="button" role="tab" aria-selected={tab === 'versions'} onClick={() => setTab('versions')}>
          Versions
        </button>
      </div>
      {message && (
        <p className="notice" role="status">
          {message}
        </p>
      )}
      {tab === 'activity' ? (
        <ol className="timeline">
          {history.isPending && <li className="muted">Loading…</li>}
          {history.error && <li className="muted">History is not available: {history.error.message}</li>}
          {(history.data ?? [])
            .slice()
            .sort((a, b) => b.seq - a.seq)
            .map((item) => (
              <li key={item.seq}>
                <span className="timeline-dot" />
                <div>
                  <strong>{actorName(item)}</strong> {describe(item, actorName(item))}
                  <div className="muted small">
                    #{item.seq} · {when(item.created_at)}
                  </div>
                </div>
              </li>
            ))}
        </ol>
      ) : (
        <div className="versions">
          {!board.readOnly && (
            <form onSubmit={submit} className="inline-form">
              <input
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder="Name this version, e.g. After workshop 1"
                aria-label="Version name"
                maxLength={200}
              />
              <button type="submit" className="btn btn-primary btn-sm" disabled={!name.trim() || save.isPending}>
                Save
              </button>
            </form>
          )}
          <ul className="version-list">
            {versions.isPending && <li className="muted">Loading…</li>}
            {versions.error && <li className="muted">Versions are not available: {versions.error.message}</li>}
            {(versions.data ?? []).map((v) => (
              <li key={v.id}>
                <div>
                  <strong>{v.name}</strong>
                  <div className="muted small">
                    at change #{v.seq} · {when(v.created_at)}
                  </div>
                </div>
                {!board.readOnly && (
                  <button
                    type="button"
                    className="btn btn-sm"
                    disabled={restore.isPending}
                    onClick={() => restore.mutate(v)}
                  >
                    Restore
                  </button>
                )}
              </li>
            ))}
            {versions.data?.length === 0 && <li className="muted">No saved versions yet.</li>}
          </ul>
        </div>
      )}
    </aside>
  );
}
