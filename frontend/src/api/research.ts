/** Research: interview guides, interview notes, promoting what was said to personas, and the
 * workspace's progress toward its interview target (docs/personas-contract.md). */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, fetchList } from './http';
import type { Persona } from './types';

export interface GuideQuestion {
  /** Client-generated, stable across edits so answers stay attached. */
  id: string;
  text: string;
}

export interface InterviewGuide {
  id: string;
  workspace: string;
  name: string;
  description: string;
  questions: GuideQuestion[];
  is_default: boolean;
  note_count: number;
  created_at: string;
  updated_at: string;
}

export interface NoteAnswer {
  /** The guide question's id. */
  question: string;
  /** The question's text when it was asked (kept when the guide goes). */
  text: string;
  answer: string;
}

export type PromoteField =
  | 'quotes'
  | 'goals'
  | 'needs'
  | 'pain_points'
  | 'motivations'
  | 'expectations'
  | 'objections'
  | 'behaviours'
  | 'says'
  | 'thinks'
  | 'does'
  | 'feels';

export interface NoteEvidence {
  id: string;
  persona: string;
  persona_name: string;
  field: PromoteField | string;
  text: string;
}

export interface InterviewNote {
  id: string;
  workspace: string;
  title: string;
  interviewee: string;
  interviewee_role: string;
  company: string;
  interviewed_on: string | null;
  interviewer: string;
  guide: string | null;
  answers: NoteAnswer[];
  summary: string;
  personas: string[];
  evidence: NoteEvidence[];
  created_by: unknown;
  created_at: string;
  updated_at: string;
}

/** The fields of a note the editor writes. */
export type NoteFields = Partial<
  Pick<
    InterviewNote,
    'title' | 'interviewee' | 'interviewee_role' | 'company' | 'interviewed_on' | 'interviewer' | 'guide' | 'answers' | 'summary' | 'personas'
  >
>;

export interface ResearchProgress {
  interviews: number;
  personas: number;
  target_min: number;
  target_max: number;
  per_persona: { persona: string; name: string; tier: Persona['tier']; interviews: number }[];
}

export interface PromoteResult {
  persona: Persona;
  evidence: NoteEvidence;
}

const ws = (workspace: string | undefined) => `?workspace=${workspace ?? ''}`;

export function useGuides(workspace: string | undefined) {
  return useQuery({
    queryKey: ['interview-guides', workspace],
    queryFn: () => fetchList<InterviewGuide>(`/api/interview-guides/${ws(workspace)}`),
    enabled: Boolean(workspace),
  });
}

export function useGuide(guideId: string | null | undefined) {
  return useQuery({
    queryKey: ['interview-guide', guideId],
    queryFn: () => api<InterviewGuide>(`/api/interview-guides/${guideId}/`),
    enabled: Boolean(guideId),
  });
}

export function useNotes(workspace: string | undefined, filters: { persona?: string; search?: string } = {}) {
  const params = new URLSearchParams({ workspace: workspace ?? '' });
  if (filters.persona) params.set('persona', filters.persona);
  if (filters.search?.trim()) params.set('search', filters.search.trim());
  return useQuery({
    queryKey: ['interview-notes', workspace, filters.persona ?? '', filters.search?.trim() ?? ''],
    queryFn: () => fetchList<InterviewNote>(`/api/interview-notes/?${params.toString()}`),
    enabled: Boolean(workspace),
    placeholderData: keepPreviousData,
  });
}

export function useNote(noteId: string | undefined) {
  return useQuery({
    queryKey: ['interview-note', noteId],
    queryFn: () => api<InterviewNote>(`/api/interview-notes/${noteId}/`),
    enabled: Boolean(noteId),
  });
}

export function useResearchProgress(workspace: string | undefined) {
  return useQuery({
    queryKey: ['research-progress', workspace],
    queryFn: () => api<ResearchProgress>(`/api/research/progress/${ws(workspace)}`),
    enabled: Boolean(workspace),
  });
}

/** What changes when notes or evidence change: lists, progress, personas and their evidence. */
function useInvalidateResearch() {
  const client = useQueryClient();
  return (personaIds: string[] = []) => {
    void client.invalidateQueries({ queryKey: ['interview-notes'] });
    void client.invalidateQueries({ queryKey: ['interview-guides'] });
    void client.invalidateQueries({ queryKey: ['research-progress'] });
    for (const id of personaIds) {
      void client.invalidateQueries({ queryKey: ['persona', id] });
      void client.invalidateQueries({ queryKey: ['persona-evidence', id] });
    }
  };
}

export function useCreateNote() {
  const invalidate = useInvalidateResearch();
  return useMutation({
    mutationFn: (body: NoteFields & { workspace: string }) =>
      api<InterviewNote>('/api/interview-notes/', { method: 'POST', body }),
    onSuccess: () => invalidate(),
  });
}

export function useUpdateNote(noteId: string) {
  const client = useQueryClient();
  const invalidate = useInvalidateResearch();
  return useMutation({
    mutationFn: (fields: NoteFields) =>
      api<InterviewNote>(`/api/interview-notes/${noteId}/`, { method: 'PATCH', body: fields }),
    onSuccess: (note, fields) => {
      client.setQueryData(['interview-note', noteId], note);
      invalidate(fields.personas ?? []);
    },
  });
}

export function useDeleteNote(noteId: string) {
  const client = useQueryClient();
  const invalidate = useInvalidateResearch();
  return useMutation({
    mutationFn: () => api<void>(`/api/interview-notes/${noteId}/`, { method: 'DELETE' }),
    onSuccess: () => {
      client.removeQueries({ queryKey: ['interview-note', noteId] });
      invalidate();
    },
  });
}

export function usePromote(noteId: string) {
  const client = useQueryClient();
  const invalidate = useInvalidateResearch();
  return useMutation({
    mutationFn: (body: { persona: string; field: PromoteField; text: string }) =>
      api<PromoteResult>(`/api/interview-notes/${noteId}/promote/`, { method: 'POST', body }),
    onSuccess: (result) => {
      client.setQueryData(['persona', result.persona.id], result.persona);
      void client.invalidateQueries({ queryKey: ['interview-note', noteId] });
      void client.invalidateQueries({ queryKey: ['personas'] });
      invalidate([result.persona.id]);
    },
  });
}

/** Unlink one promoted item from its note: the persona keeps the text, it just no longer
 * counts as evidence. */
export function useUnlinkEvidence(noteId: string) {
  const client = useQueryClient();
  const invalidate = useInvalidateResearch();
  return useMutation({
    mutationFn: (item: { id: string; persona: string }) =>
      api<void>(`/api/persona-evidence/${item.id}/`, { method: 'DELETE' }),
    onSuccess: (_, item) => {
      void client.invalidateQueries({ queryKey: ['interview-note', noteId] });
      invalidate([item.persona]);
    },
  });
}

export type GuideFields = Partial<Pick<InterviewGuide, 'name' | 'description' | 'questions'>>;

export function useCreateGuide() {
  const invalidate = useInvalidateResearch();
  return useMutation({
    mutationFn: (body: GuideFields & { workspace: string }) =>
      api<InterviewGuide>('/api/interview-guides/', { method: 'POST', body }),
    onSuccess: () => invalidate(),
  });
}

export function useUpdateGuide(guideId: string) {
  const client = useQueryClient();
  const invalidate = useInvalidateResearch();
  return useMutation({
    mutationFn: (fields: GuideFields) =>
      api<InterviewGuide>(`/api/interview-guides/${guideId}/`, { method: 'PATCH', body: fields }),
    onSuccess: (guide) => {
      client.setQueryData(['interview-guide', guideId], guide);
      invalidate();
    },
  });
}

export function useDeleteGuide(guideId: string) {
  const client = useQueryClient();
  const invalidate = useInvalidateResearch();
  return useMutation({
    mutationFn: () => api<void>(`/api/interview-guides/${guideId}/`, { method: 'DELETE' }),
    onSuccess: () => {
      client.removeQueries({ queryKey: ['interview-guide', guideId] });
      void client.invalidateQueries({ queryKey: ['interview-note'] });
      invalidate();
    },
  });
}
