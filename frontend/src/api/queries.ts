import { useQuery } from '@tanstack/react-query';
import { api, fetchList } from './http';
import type { Channel, Feature, FeaturePriority, Invitation, MapSummary, MapTemplate, Member, Persona, Segment, WorkspaceFriction } from './types';

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

/** Every feature's priority score with its parts, highest first (computed by the server). */
export function useFeaturePriorities(workspace: string | undefined) {
  return useQuery({
    queryKey: ['feature-priorities', workspace],
    queryFn: () => api<FeaturePriority[]>(`/api/feature-priorities/${ws(workspace)}`),
    enabled: Boolean(workspace),
  });
}

/** The friction points of every map of the workspace, with the features linked to each. */
export function useWorkspaceFrictions(workspace: string | undefined) {
  return useQuery({
    queryKey: ['friction-points', workspace],
    queryFn: () => api<WorkspaceFriction[]>(`/api/friction-points/${ws(workspace)}`),
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
