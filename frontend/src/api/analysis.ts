/** The journey analysis (GET /api/maps/<id>/analysis/) and event-log imports
 * (/api/maps/<id>/events/): their shapes as journeymap/analysis and the events API return them. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, ApiError, csrfToken } from './http';

export interface TouchpointRef {
  touchpoint: string;
  title: string;
  stage: string;
  stage_name: string;
}

export interface FindingList<T> {
  count: number;
  items: T[];
  truncated: boolean;
  truncation: string | null;
}

export interface StepFlow extends TouchpointRef {
  inflow: number;
  outflow: number;
  started: number;
  lost: number;
  completed: number;
  lost_pct: number;
}

export interface StageFlow {
  stage: string;
  stage_name: string;
  inflow: number;
  outflow: number;
  started: number;
  lost: number;
  completed: number;
  lost_pct: number;
}

export interface ChannelPair {
  from_channel: string;
  from_name: string | null;
  to_channel: string;
  to_name: string | null;
}

export interface TransitionTiming {
  from: string;
  to: string;
  count: number;
  median_s: number;
  p90_s: number;
  from_stage: string;
  to_stage: string;
}

export interface StageTiming {
  stage: string;
  stage_name: string;
  transitions: number;
  count: number;
  median_s: number;
  p90_s: number;
}

export interface Analysis {
  critical_path: {
    path: string[];
    entry: string | null;
    goal: string | null;
    share: number;
    probability: number;
    length: number;
    steps: TouchpointRef[];
    transitions: { from: string; to: string; count: number; probability: number }[];
    reason: string | null;
  };
  drop_off: {
    steps: StepFlow[];
    stages: StageFlow[];
    totals: { started: number; completed: number; lost: number; completed_pct: number };
  };
  bottlenecks: {
    items: (TouchpointRef & { betweenness: number; traffic: number })[];
    sources: number;
    seed: number | null;
    approximate: boolean;
    approximation: string | null;
  };
  friction_hotspots: {
    items: {
      friction: string;
      title: string;
      severity: number;
      touchpoint: string | null;
      stage: string;
      stage_name: string;
      traffic: number;
      score: number;
    }[];
    count: number;
  };
  dead_ends: FindingList<TouchpointRef & { inflow: number }>;
  unreachable: FindingList<TouchpointRef>;
  cycles: {
    items: { path: string[]; steps: TouchpointRef[]; length: number; traffic: number }[];
    count: number;
    length_bound: number;
    truncated: boolean;
    truncation: string | null;
  };
  channel_switches: {
    along_top_paths: (ChannelPair & { occurrences: number; paths: number; share: number })[];
    transitions: FindingList<ChannelPair & { count: number }>;
  };
  coverage_gaps: {
    personas: (string | null)[];
  } & FindingList<{ persona: string | null; stage: string; stage_name: string; missing: string[] }>;
  emotion_lows: { by_persona: { persona: string | null; points: unknown[]; touchpoints: unknown[] }[] };
  path_variants: {
    items: { rank: number; path: string[]; share: number; probability: number; length: number }[];
    total_share: number;
    truncated: boolean;
    truncation: string | null;
  };
  step_durations: {
    transitions: FindingList<TransitionTiming>;
    stages: StageTiming[];
    ignored: Record<string, number>;
    approximate: boolean;
    approximation: string | null;
    note: string | null;
  };
  conformance: {
    unknown_events: FindingList<{ name: string; count: number }>;
    unreached: FindingList<TouchpointRef>;
    backward_transitions: FindingList<{
      from: string;
      to: string;
      count: number;
      from_stage: string;
      to_stage: string;
    }> & { traffic: number };
    unused_transitions: FindingList<{ from: string; to: string; count: number }>;
    notes: string[];
  };
  meta: {
    edges: 'observed' | 'implied';
    persona: string | null;
    node_count: number;
    edge_count: number;
    traffic_edge_count: number;
    stage_count: number;
    top_k: number;
    entries: { count: number; items: string[] };
    goals: { count: number; items: string[] };
    approximations: Record<string, string>;
    truncations: Record<string, string>;
    ignored: Record<string, number>;
    notes: string[];
    seq?: number;
    event_imports?: number;
  };
}

export function analysisPath(mapId: string, options: { persona?: string | null; topK?: number } = {}): string {
  const query = new URLSearchParams();
  if (options.persona) query.set('persona', options.persona);
  if (options.topK !== undefined) query.set('top_k', String(options.topK));
  const text = query.toString();
  return `/api/maps/${mapId}/analysis/${text ? `?${text}` : ''}`;
}

/** The analysis at the map's `seq`: a new seq (any edit, an import's counts) fetches anew,
 * showing the previous figures meanwhile. */
export function useAnalysis(
  mapId: string,
  options: { persona?: string | null; seq: number | null; topK?: number; enabled?: boolean; share?: string },
) {
  const { persona = null, seq, topK = 10, enabled = true, share } = options;
  return useQuery({
    queryKey: ['analysis', mapId, persona, topK, seq],
    queryFn: ({ signal }) => api<Analysis>(analysisPath(mapId, { persona, topK }), { signal, share }),
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

// ---- event-log imports ---------------------------------------------------------------

export interface ImportReport {
  rows: number;
  cases: number;
  transitions: number;
  transitions_changed: number;
  unknown_touchpoints: { name: string; events: number }[];
  created_touchpoints: number | { id: string; title: string }[];
  errors: { line: number; column: string; message: string }[];
  detail?: string;
}

export interface EventImport {
  id: string;
  map: string;
  filename: string;
  status: 'running' | 'done' | 'failed';
  report: Partial<ImportReport> | null;
  progress: { phase: string; rows: number; bytes?: number; total_bytes?: number } | null;
  created_by: { id?: string; name?: string } | null;
  created_at: string;
  finished_at: string | null;
}

export function eventsPath(mapId: string, importId?: string): string {
  return `/api/maps/${mapId}/events/${importId ? `${importId}/` : ''}`;
}

/** POST the log as multipart field `file`: 201 when done inline, 202 while it runs. */
export async function uploadEvents(
  mapId: string,
  file: File,
  options: { createMissingIn?: string | null } = {},
): Promise<{ status: number; body: EventImport }> {
  const form = new FormData();
  form.append('file', file, file.name);
  const query = options.createMissingIn ? `?create_missing_in=${encodeURIComponent(options.createMissingIn)}` : '';
  const response = await fetch(`${eventsPath(mapId)}${query}`, {
    method: 'POST',
    body: form,
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'X-CSRFToken': csrfToken() ?? '' },
  });
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (!response.ok) {
    throw new ApiError(response.status, 'error', errorText(data) || response.statusText, data);
  }
  return { status: response.status, body: data as EventImport };
}

function errorText(data: unknown): string {
  if (!data || typeof data !== 'object') return typeof data === 'string' ? data.slice(0, 200) : '';
  const body = data as { detail?: string; errors?: Record<string, unknown> } & Record<string, unknown>;
  const fields = body.errors ?? body;
  const parts: string[] = [];
  for (const [field, value] of Object.entries(fields)) {
    if (field === 'code' || field === 'detail') continue;
    const text = Array.isArray(value) ? value.join(' ') : typeof value === 'string' ? value : '';
    if (text) parts.push(`${field}: ${text}`);
  }
  return parts.join('; ') || body.detail || '';
}
