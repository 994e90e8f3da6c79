/** Deleting to the trash from anywhere: the button with its confirmation, and the
 * "Moved to trash — Undo" notice, which lives in the app shell so it outlasts the card that
 * disappeared. */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { Link } from 'react-router-dom';
import { itemPath, useMoveToTrash, useRestore, type TrashKind } from '../api/trash';
import { Dialog } from '../board/Dialog';
import '../styles/trash.css';

interface Notice {
  kind: TrashKind;
  id: string;
  title: string;
  /** After Undo: the item is back. */
  restored?: boolean;
  error?: string;
}

// One notice at a time, shared by the pages that delete and the shell that shows it.
let current: Notice | null = null;
const listeners = new Set<() => void>();

function setNotice(next: Notice | null) {
  current = next;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const NOTICE_MS = 15_000;

/** Rendered once, by the app shell. */
export function TrashNotice() {
  const notice = useSyncExternalStore(subscribe, () => current);
  const restore = useRestore();
  useEffect(() => {
    if (!notice) return;
    const timer = window.setTimeout(() => setNotice(null), NOTICE_MS);
    return () => window.clearTimeout(timer);
  }, [notice]);
  if (!notice) return null;
  const what = notice.kind === 'map' ? 'Map' : 'Persona';
  return (
    <div className="trash-notice" role="status" aria-live="polite" data-testid="trash-notice">
      {notice.restored ? (
        <span>
          {what} “{notice.title}” restored. <Link to={itemPath(notice.kind, notice.id)} onClick={() => setNotice(null)}>Open it</Link>
        </span>
      ) : (
        <>
          <span>
            {what} “{notice.title}” moved to trash — you have 30 days to restore it.
          </span>
          <button
            type="button"
            className="btn btn-sm"
            disabled={restore.isPending}
            onClick={() =>
              restore
                .mutateAsync({ kind: notice.kind, id: notice.id })
                .then(() => setNotice({ ...notice, restored: true }))
                .catch((e: Error) => setNotice({ ...notice, error: e.message }))
            }
          >
            Undo
          </button>
          <Link to="/trash/" className="trash-notice-link" onClick={() => setNotice(null)}>
            Open trash
          </Link>
        </>
      )}
      {notice.error && <span className="form-error">{notice.error}</span>}
      <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => setNotice(null)}>
        ×
      </button>
    </div>
  );
}

/** A "Delete" button that asks first, then moves the item to the trash and shows the notice. */
export function MoveToTrashButton({
  kind,
  id,
  title,
  className = 'btn btn-ghost btn-sm',
}: {
  kind: TrashKind;
  id: string;
  title: string;
  className?: string;
}) {
  const [asking, setAsking] = useState(false);
  const move = useMoveToTrash();
  const what = kind === 'map' ? 'map' : 'persona';
  return (
    <>
      <button
        type="button"
        className={className}
        aria-label={`Delete ${what} ${title}`}
        onClick={(e) => {
          e.preventDefault();
          e.stopPropagation();
          setAsking(true);
        }}
      >
        Delete
      </button>
      {asking && (
        <Dialog title={`Delete the ${what} “${title}”?`} onClose={() => setAsking(false)}>
          <p>
            It goes to the trash for 30 days: nobody sees it meanwhile, and an editor or owner can
            restore it from the Trash page as it was. After 30 days it is deleted for good.
          </p>
          {move.error && (
            <p className="form-error" role="alert">
              {(move.error as Error).message}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" className="btn btn-ghost" onClick={() => setAsking(false)}>
              Cancel
            </button>
            <button
              type="button"
              className="btn btn-danger"
              disabled={move.isPending}
              onClick={() =>
                // mutateAsync, not per-call callbacks: the lists refresh on success and this
                // card (with its dialog) is gone before such a callback would run.
                move
                  .mutateAsync({ kind, id })
                  .then(() => {
                    setAsking(false);
                    setNotice({ kind, id, title });
                  })
                  .catch(() => undefined) // shown from move.error
              }
            >
              {move.isPending ? 'Moving…' : 'Move to trash'}
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}
