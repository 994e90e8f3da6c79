import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useParams } from 'react-router-dom';
import { api, ApiError } from '../api/http';
import { useMe } from '../app/auth';
import { BoardView } from '../board/BoardView';
import { useMapEngine } from '../board/useMapEngine';
import type { MapDocument } from '../sync/types';
import { NotFoundPage } from './NotFoundPage';

function LiveBoard({ mapId, initial }: { mapId: string; initial: MapDocument | null }) {
  const me = useMe();
  const handle = useMapEngine({ mapId, userId: me.id, initialDocument: initial });
  const role = me.memberships.find((m) => m.workspace === handle.snapshot.view?.meta.workspace)?.role;
  const readOnly = role === 'viewer';
  const title = handle.snapshot.view?.meta.title;
  useEffect(() => {
    if (title) document.title = `${title} · Journeymap`;
  }, [title]);
  if (!handle.snapshot.view) {
    return (
      <div className="page-loading" aria-busy="true">
        {handle.snapshot.fatal ?? 'Opening the map…'}
      </div>
    );
  }
  return (
    <BoardView
      handle={handle}
      meId={me.id}
      readOnly={readOnly}
      banner={readOnly ? <div className="banner banner-info">You can view this map; ask an owner for edit access.</div> : null}
    />
  );
}

export function BoardPage() {
  const { mapId = '' } = useParams();
  // The REST document paints the board at once; the socket's snapshot then takes over.
  // Offline (say, after a reload on a train) the engine shows its IndexedDB copy instead.
  const doc = useQuery({
    queryKey: ['map', mapId],
    queryFn: () => api<MapDocument>(`/api/maps/${mapId}/`),
    retry: false,
    staleTime: 0,
    gcTime: 0,
  });
  if (doc.error instanceof ApiError && (doc.error.status === 404 || doc.error.status === 403)) {
    return <NotFoundPage what="map" />;
  }
  if (doc.isPending) return <div className="page-loading" aria-busy="true">Opening the map…</div>;
  return <LiveBoard key={mapId} mapId={mapId} initial={doc.data ?? null} />;
}
