/** The persona-side endpoints of docs/personas-contract.md: versions, reviews, what changed since
 * the last review, evidence, the workspace's persona template and where a persona is used. */
import { useQuery } from '@tanstack/react-query';
import { api, fetchList } from './http';
import type { Persona } from './types';

export type PersonaTier = Persona['tier'];

/** A field a persona PATCH may carry (everything but the read-only bookkeeping). */
export type PersonaField = Exclude<
  keyof Persona,
  | 'id'
  | 'workspace'
  | 'photo'
  | 'owner_name'
  | 'version'
  | 'primary_count'
  | 'last_reviewed_at'
  | 'review_due_on'
  | 'is_stale'
  | 'segments'
  | 'updated_at'
>;

export type PersonaPatch = Partial<Pick<Persona, PersonaField>>;

/** One recorded version: `data` is the persona's fields as they were after that change. */
export interface PersonaVersion {
  id: string;
  number: number;
  changed_fields: string[];
  data: Record<string, unknown>;
  created_by: string | null;
  created_at: string;
}

export interface PersonaReview {
  id: string;
  reviewed_on: string;
  reviewed_by: string | null;
  note: string;
  version: number | null;
  created_at: string;
}

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface SinceReview {
  last_review: PersonaReview | null;
  changes: FieldChange[];
  versions: number;
  new_evidence: number;
  new_interviews: number;
}

/** The 409 a PATCH with a stale `base_version` gets: the current value of each conflicting field. */
export interface ConflictResponse {
  detail: string;
  conflicts: Record<string, unknown>;
  version: number;
  changed_by: string | null;
}

export interface PersonaUsage {
  maps: { id: string; title: string }[];
  features: { id: string; name: string; status: string; relevance: number }[];
  segments: { id: string; name: string; size: number | null }[];
  friction_points: {
    id: string;
    title: string;
    severity: number;
    status: string;
    map: string;
    map_title: string;
    stage_name: string;
  }[];
}

export type EvidenceGroupKey =
  | 'quotes'
  | 'demographics'
  | 'psychographics'
  | 'goals_needs'
  | 'pain_points'
  | 'behaviours'
  | 'empathy_map';

export interface EvidenceGroup {
  key: EvidenceGroupKey | string;
  label: string;
  fields: string[];
  count: number;
  backed: boolean;
}

export interface EvidenceItem {
  id: string;
  field: string;
  text: string;
  note: string;
  note_title: string;
  interviewee: string;
  created_at: string;
}

export interface EvidenceInterview {
  id: string;
  title: string;
  interviewee: string;
  interviewed_on: string | null;
}

export interface PersonaEvidence {
  groups: EvidenceGroup[];
  items: EvidenceItem[];
  interviews: EvidenceInterview[];
  target: { min: number; max: number };
}

export type TemplateSectionKey =
  | 'quotes'
  | 'demographics'
  | 'psychographics'
  | 'goals'
  | 'needs'
  | 'pain_points'
  | 'motivations'
  | 'expectations'
  | 'objections'
  | 'behaviours'
  | 'channels'
  | 'empathy_map'
  | 'value';

export interface TemplateSection {
  key: TemplateSectionKey;
  label: string;
  visible: boolean;
}

export interface PersonaTemplate {
  workspace: string;
  sections: TemplateSection[];
}

export interface NewPersona {
  workspace: string;
  name: string;
  tier: PersonaTier;
  job_title?: string;
}

// ---- calls -------------------------------------------------------------------------------

export const personaKey = (id: string | undefined) => ['persona', id] as const;

export function getPersona(id: string): Promise<Persona> {
  return api<Persona>(`/api/personas/${id}/`);
}

export function patchPersona(id: string, patch: PersonaPatch, baseVersion?: number): Promise<Persona> {
  const body = baseVersion === undefined ? patch : { ...patch, base_version: baseVersion };
  return api<Persona>(`/api/personas/${id}/`, { method: 'PATCH', body });
}

export function createPersona(body: NewPersona): Promise<Persona> {
  return api<Persona>('/api/personas/', { method: 'POST', body });
}

export function restoreVersion(id: string, number: number): Promise<Persona> {
  return api<Persona>(`/api/personas/${id}/versions/${number}/restore/`, { method: 'POST', body: {} });
}

export function markReviewed(id: string, note: string, reviewedOn?: string): Promise<Persona> {
  const body: { note?: string; reviewed_on?: string } = {};
  if (note.trim()) body.note = note.trim();
  if (reviewedOn) body.reviewed_on = reviewedOn;
  return api<Persona>(`/api/personas/${id}/review/`, { method: 'POST', body });
}

export function saveTemplate(workspace: string, sections: { key: string; visible: boolean }[]): Promise<PersonaTemplate> {
  return api<PersonaTemplate>('/api/persona-template/', { method: 'PUT', body: { workspace, sections } });
}

// ---- queries -----------------------------------------------------------------------------

export function usePersona(id: string | undefined) {
  return useQuery({ queryKey: personaKey(id), queryFn: () => getPersona(id as string), enabled: Boolean(id) });
}

export function usePersonaVersions(id: string, enabled = true) {
  return useQuery({
    queryKey: ['persona-versions', id],
    queryFn: () => fetchList<PersonaVersion>(`/api/personas/${id}/versions/`),
    enabled,
  });
}

export function usePersonaReviews(id: string, enabled = true) {
  return useQuery({
    queryKey: ['persona-reviews', id],
    queryFn: () => fetchList<PersonaReview>(`/api/personas/${id}/reviews/`),
    enabled,
  });
}

export function useSinceReview(id: string, enabled = true) {
  return useQuery({
    queryKey: ['persona-since-review', id],
    queryFn: () => api<SinceReview>(`/api/personas/${id}/since-review/`),
    enabled,
    staleTime: 0,
  });
}

export function usePersonaEvidence(id: string | undefined) {
  return useQuery({
    queryKey: ['persona-evidence', id],
    queryFn: () => api<PersonaEvidence>(`/api/personas/${id}/evidence/`),
    enabled: Boolean(id),
  });
}

export function usePersonaUsage(id: string | undefined) {
  return useQuery({
    queryKey: ['persona-usage', id],
    queryFn: () => api<PersonaUsage>(`/api/personas/${id}/usage/`),
    enabled: Boolean(id),
  });
}

export function usePersonaTemplate(workspace: string | undefined) {
  return useQuery({
    queryKey: ['persona-template', workspace],
    queryFn: () => api<PersonaTemplate>(`/api/persona-template/?workspace=${workspace}`),
    enabled: Boolean(workspace),
  });
}
