import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/http';
import type { ShareLinkInfo } from '../api/types';
import { Dialog } from './Dialog';

export function ShareDialog({ mapId, onClose }: { mapId: string; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      api<ShareLinkInfo>('/api/share-links/', { method: 'POST', body: { map: mapId, label: 'Shared from the board' } }),
  });
  const url = create.data?.token ? `${window.location.origin}/share/${create.data.token}/` : null;
  return (
    <Dialog title="Share a read-only view" onClose={onClose}>
      <p className="muted">
        Anyone with the link can watch this map live, without signing in. They cannot change anything. The
        link is shown once; revoke it any time from the API.
      </p>
      {url ? (
        <div className="share-url">
          <input readOnly value={url} aria-label="Share link" onFocus={(e) => e.target.select()} />
          <button
            type="button"
            className="btn btn-primary"
            onClick={async () => {
              await navigator.clipboard?.writeText(url).catch(() => undefined);
              setCopied(true);
            }}
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
      ) : (
        <button type="button" className="btn btn-primary" disabled={create.isPending} onClick={() => create.mutate()}>
          {create.isPending ? 'Creating…' : 'Create share link'}
        </button>
      )}
      {create.error && <p className="form-error">{create.error.message}</p>}
    </Dialog>
  );
}
