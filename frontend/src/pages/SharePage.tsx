import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router-dom';
import { api } from '../api/http';
import { BoardView } from '../board/BoardView';
import { useMapEngine } from '../board/useMapEngine';
import type { MapDocument } from '../sync/types';

function SharedBoard({ token, doc }: { token: string; doc: MapDocument }) {
  const handle = useMapEngine({ mapId: doc.id, userId: '', share: token, initialDocument: doc });
  if (!handle.snapshot.view) return <div className="page-loading">Opening the map…</div>;
  return (
    <BoardView
      handle={handle}
      meId={null}
      readOnly
      banner={<div className="banner banner-info">Read-only view, updated live as the team edits.</div>}
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
    return (
      <div className="empty-state">
        <h1>This link does not work</h1>
        <p>It may have expired or been revoked. Ask whoever shared it for a new one.</p>
      </div>
    );
  }
  return <SharedBoard token={token} doc={doc.data} />;
}
