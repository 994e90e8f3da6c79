import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { downloadExport, exportFilename, mapExportPath } from '../api/exports';
import { api, ApiError } from '../api/http';
import { BoardView } from '../board/BoardView';
import { DownloadIcon } from '../board/ExportDialog';
import { useMapEngine } from '../board/useMapEngine';
import type { MapDocument } from '../sync/types';

function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return '';
  const first = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

function LinkGone({ detail }: { detail?: string }) {
  return (
    <div className="empty-state" role="alert" data-testid="share-gone">
      <h1>This link does not work</h1>
      <p>{detail ? sentence(detail) : 'It may have expired or been revoked.'} Ask whoever shared it for a new one.</p>
    </div>
  );
}

function DownloadPdf({ token, mapId, title }: { token: string; mapId: string; title: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="share-download">
      <button
        type="button"
        className="btn btn-sm"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await downloadExport(mapExportPath(mapId, 'pdf'), exportFilename(title, 'pdf'), { share: token });
          } catch (caught) {
            setError(caught instanceof Error ? caught.message : 'The export failed.');
          } finally {
            setBusy(false);
          }
        }}
      >
        <DownloadIcon />
        {busy ? 'Preparing the PDF…' : 'Download PDF'}
      </button>
      {error && (
        <span className="form-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

function SharedBoard({ token, doc }: { token: string; doc: MapDocument }) {
  const handle = useMapEngine({ mapId: doc.id, userId: '', share: token, initialDocument: doc });
  const { fatal, status } = handle.snapshot;
  // The server closed the link's socket for good (revoked, expired, map deleted): the board
  // would only go stale, so it is taken away.
  if (fatal && status !== 'reload_required') {
    return <LinkGone detail={/no longer have access/i.test(fatal) ? 'this share link was revoked or has expired' : fatal} />;
  }
  if (!handle.snapshot.view) return <div className="page-loading">Opening the map…</div>;
  return (
    <BoardView
      handle={handle}
      meId={null}
      readOnly
      share={token}
      banner={
        <div className="banner banner-info share-banner">
          <span>Read-only view, updated live as the team edits.</span>
          <DownloadPdf token={token} mapId={doc.id} title={handle.snapshot.view.meta.title} />
        </div>
      }
    />
  );
}

export function SharePage() {
  const { token = '' } = useParams();
  const doc = useQuery({
    queryKey: ['share', token],
    queryFn: () => api<MapDocument>(`/api/share/${encodeURIComponent(token)}/`),
    retry: false,
  });
  if (doc.isPending) return <div className="page-loading">Opening the map…</div>;
  if (doc.error || !doc.data) {
    const detail = doc.error instanceof ApiError && doc.error.status === 404 ? doc.error.message : undefined;
    return <LinkGone detail={detail} />;
  }
  return <SharedBoard token={token} doc={doc.data} />;
}
