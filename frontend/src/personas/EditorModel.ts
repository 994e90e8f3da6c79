/** Pure logic of the persona editor: labels, list moves, version diffs and conflict splitting. */
import type {
  ConflictResponse,
  EvidenceGroup,
  EvidenceItem,
  PersonaPatch,
  PersonaVersion,
  TemplateSection,
  TemplateSectionKey,
} from '../api/personas';
import type { Persona } from '../api/types';

export const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  tier: 'Tier',
  color: 'Colour',
  bio: 'Bio',
  quotes: 'Quotes',
  age: 'Age',
  gender: 'Gender',
  location: 'Location',
  income: 'Income',
  education: 'Education',
  family: 'Family',
  job_title: 'Job title',
  company: 'Company',
  personality: 'Personality',
  values: 'Values',
  interests: 'Interests',
  lifestyle: 'Lifestyle',
  behaviours: 'Behaviours',
  goals: 'Goals',
  needs: 'Needs',
  pain_points: 'Pain points',
  motivations: 'Motivations',
  expectations: 'Expectations',
  objections: 'Objections',
  preferred_channels: 'Preferred channels',
  preferred_content: 'Preferred content',
  empathy_map: 'Empathy map',
  lifetime_value: 'Lifetime value',
  churn_risk: 'Churn risk',
  owner: 'Owner',
  review_cadence_days: 'Review cadence',
  photo: 'Photo',
};

export function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? field.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

export const DEFAULT_SECTIONS: TemplateSection[] = [
  { key: 'quotes', label: 'Quotes', visible: true },
  { key: 'demographics', label: 'Demographics', visible: true },
  { key: 'psychographics', label: 'Psychographics', visible: true },
  { key: 'goals', label: 'Goals', visible: true },
  { key: 'needs', label: 'Needs', visible: true },
  { key: 'pain_points', label: 'Pain points', visible: true },
  { key: 'motivations', label: 'Motivations', visible: true },
  { key: 'expectations', label: 'Expectations', visible: true },
  { key: 'objections', label: 'Objections', visible: true },
  { key: 'behaviours', label: 'Behaviours', visible: true },
  { key: 'channels', label: 'Channels & content', visible: true },
  { key: 'empathy_map', label: 'Empathy map', visible: true },
  { key: 'value', label: 'Value', visible: true },
];

/** The evidence group backing each template section (`value` has none). */
export const SECTION_GROUP: Record<TemplateSectionKey, string | null> = {
  quotes: 'quotes',
  demographics: 'demographics',
  psychographics: 'psychographics',
  goals: 'goals_needs',
  needs: 'goals_needs',
  motivations: 'goals_needs',
  expectations: 'goals_needs',
  pain_points: 'pain_points',
  objections: 'pain_points',
  behaviours: 'behaviours',
  channels: 'behaviours',
  empathy_map: 'empathy_map',
  value: null,
};

/** The persona fields each section shows. */
export const SECTION_FIELDS: Record<TemplateSectionKey, (keyof Persona)[]> = {
  quotes: ['quotes'],
  demographics: ['age', 'gender', 'location', 'income', 'education', 'family', 'job_title', 'company'],
  psychographics: ['personality', 'values', 'interests', 'lifestyle'],
  goals: ['goals'],
  needs: ['needs'],
  pain_points: ['pain_points'],
  motivations: ['motivations'],
  expectations: ['expectations'],
  objections: ['objections'],
  behaviours: ['behaviours'],
  channels: ['preferred_channels', 'preferred_content'],
  empathy_map: ['empathy_map'],
  value: ['lifetime_value', 'churn_risk'],
};

function filled(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.values(value as object).some(filled);
  return true;
}

export function sectionHasContent(persona: Persona, key: TemplateSectionKey): boolean {
  return SECTION_FIELDS[key].some((field) => filled(persona[field]));
}

/** The template's sections in order, completed with any section it does not name (shown last). */
export function orderedSections(template: TemplateSection[] | undefined): TemplateSection[] {
  const given = template ?? [];
  const known = new Set(given.map((s) => s.key));
  return [...given, ...DEFAULT_SECTIONS.filter((s) => !known.has(s.key))];
}

export function groupFor(groups: EvidenceGroup[] | undefined, key: TemplateSectionKey): EvidenceGroup | null {
  const groupKey = SECTION_GROUP[key];
  if (!groupKey || !groups) return null;
  return groups.find((g) => g.key === groupKey) ?? null;
}

// ---- lists -------------------------------------------------------------------------------

/** The list with the item at `from` moved to `to` (indices clamped; the same list if no-op). */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const next = [...items];
  if (from < 0 || from >= items.length) return next;
  const target = Math.max(0, Math.min(items.length - 1, to));
  if (target === from) return next;
  const [moved] = next.splice(from, 1);
  next.splice(target, 0, moved as T);
  return next;
}

export interface KeyedItem {
  id: string;
  text: string;
}

/** Stable ids for a list of strings across re-renders: an item keeps the id of the previous item
 * with the same text (first unused match), new texts get fresh ids. */
export function reconcileIds(previous: readonly KeyedItem[], next: readonly string[], fresh: () => string): KeyedItem[] {
  const pool = new Map<string, string[]>();
  for (const item of previous) {
    const ids = pool.get(item.text) ?? [];
    ids.push(item.id);
    pool.set(item.text, ids);
  }
  return next.map((text) => {
    const ids = pool.get(text);
    const id = ids && ids.length ? (ids.shift() as string) : fresh();
    return { id, text };
  });
}

/** Trimmed, non-empty items. */
export function cleanList(items: readonly string[]): string[] {
  return items.map((s) => s.trim()).filter(Boolean);
}

// ---- values ------------------------------------------------------------------------------

export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined || a === '') && (b === null || b === undefined || b === '')) return true;
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b) && a !== null && b !== null;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A short readable rendering of any field value. */
export function formatValue(value: unknown, names?: (id: string) => string | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) {
    if (!value.length) return '—';
    return value.map((v) => (typeof v === 'string' ? (names?.(v) ?? v) : formatValue(v))).join('; ');
  }
  if (typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => filled(v))
      .map(([k, v]) => `${k}: ${formatValue(v, names)}`);
    return parts.length ? parts.join(' · ') : '—';
  }
  return String(value);
}

export interface VersionChange {
  field: string;
  label: string;
  before: unknown;
  after: unknown;
}

/** What a version changed compared with the one before it (null for the first version). */
export function versionDiff(version: PersonaVersion, previous: PersonaVersion | null): VersionChange[] {
  const fields = version.changed_fields.length
    ? version.changed_fields
    : Object.keys(version.data).filter((f) => !previous || !sameValue(previous.data[f], version.data[f]));
  return fields.map((field) => ({
    field,
    label: fieldLabel(field),
    before: previous ? previous.data[field] ?? null : null,
    after: version.data[field] ?? null,
  }));
}

/** The version just before `version` in a newest-first list. */
export function previousVersion(versions: readonly PersonaVersion[], version: PersonaVersion): PersonaVersion | null {
  let best: PersonaVersion | null = null;
  for (const v of versions) {
    if (v.number < version.number && (!best || v.number > best.number)) best = v;
  }
  return best;
}

// ---- saving and conflicts ----------------------------------------------------------------

export interface FieldConflict {
  field: string;
  mine: unknown;
  theirs: unknown;
  changedBy: string | null;
}

/** Split a refused PATCH: the fields in conflict (with both values), and what can be re-sent as is. */
export function splitConflict(
  sent: PersonaPatch,
  body: ConflictResponse,
): { conflicts: FieldConflict[]; resend: PersonaPatch } {
  const conflicts: FieldConflict[] = [];
  const resend: Record<string, unknown> = {};
  for (const [field, mine] of Object.entries(sent)) {
    if (field in (body.conflicts ?? {})) {
      conflicts.push({ field, mine, theirs: body.conflicts[field], changedBy: body.changed_by });
    } else {
      resend[field] = mine;
    }
  }
  return { conflicts, resend: resend as PersonaPatch };
}

/** The server's persona with the edits not yet acknowledged laid over it. */
export function overlay(server: Persona, pending: PersonaPatch): Persona {
  return { ...server, ...pending } as Persona;
}

/** Did a JSON error body come from a per-field conflict? */
export function isConflict(body: unknown): body is ConflictResponse {
  return Boolean(body && typeof body === 'object' && 'conflicts' in body && typeof (body as ConflictResponse).version === 'number');
}

/** The evidence item a quote came from (same text, field "quotes"). */
export function quoteSource(items: readonly EvidenceItem[] | undefined, quote: string): EvidenceItem | null {
  const want = quote.trim().toLowerCase();
  return items?.find((item) => item.field === 'quotes' && item.text.trim().toLowerCase() === want) ?? null;
}

/** "3 of 3–5 interviews" progress in [0, 1] against the minimum. */
export function interviewProgress(count: number, target: { min: number; max: number }): number {
  if (target.min <= 0) return 1;
  return Math.max(0, Math.min(1, count / target.min));
}

/** Which error text a failed save shows. */
export function saveErrorText(error: unknown): string {
  if (error && typeof error === 'object' && 'body' in error) {
    const body = (error as { body: unknown }).body;
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      const parts: string[] = [];
      for (const [field, value] of Object.entries(body as Record<string, unknown>)) {
        if (field === 'code') continue;
        const text = Array.isArray(value) ? value.join(' ') : typeof value === 'string' ? value : '';
        if (!text) continue;
        parts.push(field === 'detail' || field === 'non_field_errors' ? text : `${fieldLabel(field)}: ${text}`);
      }
      if (parts.length) return parts.join('; ');
    }
  }
  return error instanceof Error ? error.message : 'the server did not answer';
}

/** Sections laid out two to a row: the wide ones take a row, and a narrow one that would sit
 * alone in its row (the next is wide, or it is the last) takes the row too, so no hole is left
 * and the reading order stays the template's. Returns the keys that span both columns. */
export function spanningSections(keys: readonly string[], wide: ReadonlySet<string>): Set<string> {
  const spans = new Set<string>();
  let column = 0;
  keys.forEach((key, i) => {
    if (wide.has(key)) {
      spans.add(key);
      column = 0;
      return;
    }
    const next = keys[i + 1];
    if (column === 0 && (next === undefined || wide.has(next))) {
      spans.add(key);
      return;
    }
    column = column === 0 ? 1 : 0;
  });
  return spans;
}
