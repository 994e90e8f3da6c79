import { useQuery } from '@tanstack/react-query';
import { api, fetchList } from './http';
import type { Channel, Feature, Invitation, MapSummary, MapTemplate, Member, Persona, Segment } from './types';

const ws = (workspace: string | undefined) => (workspace ? `?workspace=${workspace}` : '');

export function useMaps(workspace: string | undefined) {
  return useQuery({
    queryKey: ['maps', workspace],
    queryFn: () => fetchList<MapSummary>(`/api/maps/${ws(workspace)}`),
    enabled: Boolean(workspace),
  });
}

export function useTemplates() {
  return useQuery({
    queryKey: ['templates'],
    queryFn: () => api<MapTemplate[]>('/api/maps/templates/'),
    staleTime: Infinity,
  });
}

export function usePersonas(workspace: string | undefined) {
  return useQuery({
    queryKey: ['personas', workspace],
    queryFn: () => fetchList<Persona>(`/api/personas/${ws(workspace)}`),
    enabled: Boolean(workspace),
  });
}

export function useSegments(workspace: string | undefined) {
  return useQuery({
    queryKey: ['segments', workspace],
    queryFn: () => fetchList<Segment>(`/api/segments/${ws(workspace)}`),
    enabled: Boolean(workspace),
  });
}

export function useFeatures(workspace: string | undefined) {
  return useQuery({
    queryKey: ['features', workspace],
    queryFn: () => fetchList<Feature>(`/api/features/${ws(workspace)}`),
    enabled: Boolean(workspace),
  });
}

export function useChannels(workspace: string | undefined) {
  return useQuery({
    queryKey: ['channels', workspace],
    queryFn: () => fetchList<Channel>(`/api/channels/${ws(workspace)}`),
    enabled: Boolean(workspace),
  });
}

export function useMembers(workspace: string | undefined) {
  return useQuery({
    queryKey: ['members', workspace],
    queryFn: () => api<Member[]>(`/api/workspaces/${workspace}/members/`),
    enabled: Boolean(workspace),
  });
}

/** Only owners may list invitations; pass `enabled: false` for anyone else. */
export function useInvitations(workspace: string | undefined, enabled = true) {
  return useQuery({
    queryKey: ['invitations', workspace],
    queryFn: () => api<Invitation[]>(`/api/workspaces/${workspace}/invitations/`),
    enabled: Boolean(workspace) && enabled,
  });
}
