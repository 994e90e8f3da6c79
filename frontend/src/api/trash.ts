/** The trash (docs/trash-and-audit.md): deleted maps and personas, restorable for 30 days. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './http';

export type TrashKind = 'map' | 'persona';

export interface TrashItem {
  kind: TrashKind;
  id: string;
  /** The map's title or the persona's name. */
  title: string;
  deleted_at: string;
  deleted_by: { id: string; name: string } | null;
  /** When `manage.py purge_trash` deletes it for good. */
  purge_at: string;
}

export interface RestoredItem {
  kind: TrashKind;
  id: string;
  title: string;
  workspace: string;
}

/** Where a restored item opens. */
export function itemPath(kind: TrashKind, id: string): string {
  return kind === 'map' ? `/maps/${id}/` : `/personas/${id}/`;
}

/** Whole days from now until `iso` (0 when it is today or past). */
export function daysLeft(iso: string, now: number = Date.now()): number {
  return Math.max(0, Math.ceil((new Date(iso).getTime() - now) / 86_400_000));
}

export function useTrash(workspace: string | undefined, enabled = true) {
  return useQuery({
    queryKey: ['trash', workspace],
    queryFn: () => api<TrashItem[]>(`/api/trash/?workspace=${workspace}`),
    enabled: Boolean(workspace) && enabled,
  });
}

/** Lists that show (or stop showing) an item when it enters or leaves the trash. */
function refreshAll(client: ReturnType<typeof useQueryClient>) {
  // Maps, personas, features, segments and the board's directory all name these items.
  return client.invalidateQueries();
}

/** DELETE /api/maps/<id>/ or /api/personas/<id>/: moves the item to the trash. */
export function useMoveToTrash() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, id }: { kind: TrashKind; id: string }) =>
      api<void>(kind === 'map' ? `/api/maps/${id}/` : `/api/personas/${id}/`, { method: 'DELETE' }),
    onSuccess: () => refreshAll(client),
  });
}

export function useRestore() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, id }: { kind: TrashKind; id: string }) =>
      api<RestoredItem>(`/api/trash/${kind}/${id}/restore/`, { method: 'POST' }),
    onSuccess: () => refreshAll(client),
  });
}

/** Owners only: deletes the item for good. */
export function useDeleteForever() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, id }: { kind: TrashKind; id: string }) =>
      api<void>(`/api/trash/${kind}/${id}/`, { method: 'DELETE' }),
    onSuccess: () => refreshAll(client),
  });
}
