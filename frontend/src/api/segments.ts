/** The segment editor's endpoints: the rule grammar, the live preview and the size history. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { RuleGrammar } from '../segments/rulesMapping';
import type { Json } from '../sync/types';
import { api } from './http';

export interface SegmentPreview {
  size: number;
  total: number;
  sample: { id: string; name: string; external_id: string }[];
}

export interface SegmentSnapshot {
  taken_on: string;
  size: number;
}

/** The grammar of personas/rules.py, with the workspace's products to pick from. */
export function useRuleGrammar(workspace: string | undefined) {
  return useQuery({
    queryKey: ['segment-fields', workspace],
    queryFn: () => api<RuleGrammar>(`/api/segments/fields/?workspace=${workspace}`),
    enabled: Boolean(workspace),
    staleTime: 5 * 60_000,
  });
}

/** How many customers `rules` select; `rules` null (incomplete) asks nothing. The last
 * answer stays on screen while the next one is on its way, so the count does not flicker. */
export function useSegmentPreview(workspace: string | undefined, rules: Json | null) {
  const key = rules === null ? null : JSON.stringify(rules);
  return useQuery({
    queryKey: ['segment-preview', workspace, key],
    queryFn: ({ signal }) =>
      api<SegmentPreview>('/api/segments/preview/', { method: 'POST', body: { workspace, rules }, signal }),
    enabled: Boolean(workspace) && key !== null,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

export function useSegmentSnapshots(segmentId: string | undefined) {
  return useQuery({
    queryKey: ['segment-snapshots', segmentId],
    queryFn: () => api<SegmentSnapshot[]>(`/api/segments/${segmentId}/snapshots/?days=365`),
    enabled: Boolean(segmentId),
  });
}

/** Where the members CSV is downloaded from (streamed by the server). */
export function segmentCsvPath(segmentId: string): string {
  return `/api/segments/${segmentId}/customers.csv`;
}
