/** `/trash/`: the workspace's deleted maps and personas, restorable until they are deleted
 * for good (30 days after deletion). Owners may also delete an item for good right away. */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import {
  daysLeft,
  itemPath,
  useDeleteForever,
  useRestore,
  useTrash,
  type RestoredItem,
  type TrashItem,
} from '../api/trash';
import { useWorkspace } from '../app/auth';
import { Dialog } from '../board/Dialog';
import '../styles/trash.css';

function day(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

function ForeverDialog({ item, onClose }: { item: TrashItem; onClose: () => void }) {
  const forever = useDeleteForever();
  const what = item.kind === 'map' ? 'map' : 'persona';
  return (
    <Dialog title={`Delete “${item.title}” for good?`} onClose={onClose}>
      <p>
        The {what} and everything on it are deleted now and cannot be restored
        {item.kind === 'map' ? ': its cards, history, versions and share links go with it.' : '.'}
      </p>
      {forever.error && (
        <p className="form-error" role="alert">
          {(forever.error as Error).message}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-danger"
          disabled={forever.isPending}
          onClick={() => forever.mutate({ kind: item.kind, id: item.id }, { onSuccess: onClose })}
        >
          {forever.isPending ? 'Deleting…' : 'Delete forever'}
        </button>
      </div>
    </Dialog>
  );
}

function TrashRow({
  item,
  isOwner,
  onRestored,
}: {
  item: TrashItem;
  isOwner: boolean;
  onRestored: (restored: RestoredItem) => void;
}) {
  const restore = useRestore();
  const [confirming, setConfirming] = useState(false);
  const left = daysLeft(item.purge_at);
  return (
    <li className="trash-row" data-kind={item.kind} data-id={item.id}>
      <span className={`trash-kind trash-kind-${item.kind}`}>{item.kind === 'map' ? 'Map' : 'Persona'}</span>
      <div className="trash-what">
        <strong>{item.title}</strong>
        <span className="muted">
          Deleted by {item.deleted_by?.name ?? 'someone no longer here'} on {when(item.deleted_at)}
        </span>
      </div>
      <span className={`trash-left ${left <= 3 ? 'trash-left-soon' : ''}`}>
        Deleted for good on {day(item.purge_at)}{' '}
        <span className="muted">
          ({left === 0 ? 'today' : `${left} day${left === 1 ? '' : 's'} left`})
        </span>
      </span>
      <div className="trash-actions">
        <button
          type="button"
          className="btn btn-sm btn-primary"
          disabled={restore.isPending}
          aria-label={`Restore ${item.title}`}
          // mutateAsync: the row leaves the list (the trash refreshes) before a per-call
          // callback would run, and the page still has to say where the item went.
          onClick={() =>
            restore
              .mutateAsync({ kind: item.kind, id: item.id })
              .then(onRestored)
              .catch(() => undefined)
          }
        >
          {restore.isPending ? 'Restoring…' : 'Restore'}
        </button>
        {isOwner && (
          <button
            type="button"
            className="btn btn-sm btn-danger"
            aria-label={`Delete forever ${item.title}`}
            onClick={() => setConfirming(true)}
          >
            Delete forever
          </button>
        )}
      </div>
      {restore.error && (
        <p className="form-error trash-error" role="alert">
          {(restore.error as Error).message}
        </p>
      )}
      {confirming && <ForeverDialog item={item} onClose={() => setConfirming(false)} />}
    </li>
  );
}

export function TrashPage() {
  const membership = useWorkspace();
  const workspace = membership?.workspace;
  const canSee = membership?.role === 'owner' || membership?.role === 'editor';
  const trash = useTrash(workspace, canSee);
  const [restored, setRestored] = useState<RestoredItem[]>([]);
  const items = trash.data ?? [];

  return (
    <div className="page trash-page">
      <div className="page-head">
        <div>
          <p className="eyebrow">{membership?.workspace_name}</p>
          <h1>Trash</h1>
          <p className="muted">
            Deleted maps and personas stay here for 30 days, then they are deleted for good. Restoring
            brings one back exactly as it was.
          </p>
        </div>
      </div>

      {restored.length > 0 && (
        <ul className="trash-restored" aria-label="Restored">
          {restored.map((r) => (
            <li key={r.id} role="status">
              {r.kind === 'map' ? 'Map' : 'Persona'} “{r.title}” restored.{' '}
              <Link to={itemPath(r.kind, r.id)}>Open {r.title}</Link>
            </li>
          ))}
        </ul>
      )}

      {!canSee ? (
        <div className="empty-inline">
          <p>Only owners and editors of this workspace see its trash.</p>
        </div>
      ) : trash.isPending ? (
        <div className="page-loading" aria-busy="true">
          Loading…
        </div>
      ) : trash.error ? (
        <p className="form-error" role="alert">
          {trash.error.message}
        </p>
      ) : items.length === 0 ? (
        <div className="empty-inline trash-empty">
          <p>The trash is empty.</p>
          <p className="muted">When someone deletes a map or a persona, it waits here for 30 days.</p>
        </div>
      ) : (
        <ul className="trash-list" aria-label="Deleted items">
          {items.map((item) => (
            <TrashRow
              key={`${item.kind}:${item.id}`}
              item={item}
              isOwner={membership?.role === 'owner'}
              onRestored={(r) => setRestored((list) => [r, ...list.filter((x) => x.id !== r.id)])}
            />
          ))}
        </ul>
      )}
    </div>
  );
}
