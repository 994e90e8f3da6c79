/** The research pages' pure logic: answers against a guide, selections to promote, progress. */
import type { GuideQuestion, InterviewNote, NoteAnswer, PromoteField, ResearchProgress } from '../api/research';

/** Where promoted text can go, in the order the picker shows them. */
export const PROMOTE_TARGETS: { field: PromoteField; label: string; group: 'Persona' | 'Empathy map' }[] = [
  { field: 'quotes', label: 'Quote', group: 'Persona' },
  { field: 'pain_points', label: 'Pain point', group: 'Persona' },
  { field: 'goals', label: 'Goal', group: 'Persona' },
  { field: 'needs', label: 'Need', group: 'Persona' },
  { field: 'motivations', label: 'Motivation', group: 'Persona' },
  { field: 'expectations', label: 'Expectation', group: 'Persona' },
  { field: 'objections', label: 'Objection', group: 'Persona' },
  { field: 'behaviours', label: 'Behaviour', group: 'Persona' },
  { field: 'says', label: 'Says', group: 'Empathy map' },
  { field: 'thinks', label: 'Thinks', group: 'Empathy map' },
  { field: 'does', label: 'Does', group: 'Empathy map' },
  { field: 'feels', label: 'Feels', group: 'Empathy map' },
];

const FIELD_LABEL: Record<string, string> = {
  ...Object.fromEntries(PROMOTE_TARGETS.map((t) => [t.field, t.label])),
  says: 'Empathy map · Says',
  thinks: 'Empathy map · Thinks',
  does: 'Empathy map · Does',
  feels: 'Empathy map · Feels',
  empathy_map: 'Empathy map',
};

/** "pain_points" → "Pain point"; unknown fields read as words. */
export function fieldLabel(field: string): string {
  return FIELD_LABEL[field] ?? field.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

export function isPromoteField(value: string): value is PromoteField {
  return PROMOTE_TARGETS.some((t) => t.field === value);
}

/**
 * The answers of a note once it follows `questions` (its guide, possibly changed or edited):
 * every guide question in guide order, with the answer it already had (matched by question id,
 * else by the same question text) and the guide's current wording; then every answer of the
 * note that the guide does not ask but that has something written in it, so nothing typed is
 * lost. Unanswered questions the guide no longer asks are dropped.
 */
export function mergeAnswers(answers: NoteAnswer[], questions: GuideQuestion[] | null | undefined): NoteAnswer[] {
  if (!questions) return answers.map((a) => ({ ...a }));
  const used = new Set<number>();
  const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');
  const merged: NoteAnswer[] = questions.map((q) => {
    let index = answers.findIndex((a, i) => !used.has(i) && a.question === q.id);
    if (index < 0) index = answers.findIndex((a, i) => !used.has(i) && norm(a.text) === norm(q.text));
    if (index >= 0) {
      used.add(index);
      return { question: q.id, text: q.text, answer: answers[index]!.answer };
    }
    return { question: q.id, text: q.text, answer: '' };
  });
  answers.forEach((a, i) => {
    if (!used.has(i) && a.answer.trim()) merged.push({ ...a });
  });
  return merged;
}

/** Whether two answer lists say the same (so nothing needs saving). */
export function sameAnswers(a: NoteAnswer[], b: NoteAnswer[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => x.question === b[i]!.question && x.text === b[i]!.text && x.answer === b[i]!.answer)
  );
}

/** The text to promote: the selected part of `text` if something is selected, else all of it;
 * whitespace tidied, and wrapping quotation marks taken off (the persona shows quotes as such). */
export function promoteText(text: string, selection?: { start: number; end: number } | null): string {
  let chosen = text;
  if (selection) {
    const start = Math.max(0, Math.min(selection.start, selection.end));
    const end = Math.min(text.length, Math.max(selection.start, selection.end));
    if (end > start && text.slice(start, end).trim()) chosen = text.slice(start, end);
  }
  chosen = chosen.replace(/\s+/g, ' ').trim();
  const m = /^["“”'‘’«»„](.*)["“”'‘’«»]$/.exec(chosen);
  if (m && m[1]!.trim()) chosen = m[1]!.trim();
  return chosen;
}

/** The persona a promotion goes to by default: the last one used if still on offer, else the
 * first persona linked to the note, else the first persona of the workspace. */
export function defaultPersona(linked: string[], all: { id: string }[], last?: string | null): string {
  if (last && all.some((p) => p.id === last)) return last;
  const first = linked.find((id) => all.some((p) => p.id === id));
  return first ?? all[0]?.id ?? '';
}

export interface ProgressView {
  /** 0–100, of the upper end of the target. */
  percent: number;
  /** Where the lower end of the target sits on the bar, 0–100. */
  minPercent: number;
  /** A sentence for screen readers and the caption. */
  label: string;
  status: 'short' | 'on-target' | 'beyond';
  /** Interviews each persona should have: the lower and upper end. */
  perPersona: { min: number; max: number };
  /** Personas below `perPersona.min`. */
  lacking: { persona: string; name: string; interviews: number; missing: number }[];
}

/** The workspace target (6–10 interviews per two personas) as a bar and per-persona gaps. */
export function progressView(progress: ResearchProgress): ProgressView {
  const { interviews, target_min: min, target_max: max } = progress;
  // The contract's target is 3–5 interviews a persona (6–10 per two).
  const perPersona =
    progress.personas > 0 && min > 0
      ? { min: Math.max(1, Math.round(min / progress.personas)), max: Math.max(1, Math.round(max / progress.personas)) }
      : { min: 3, max: 5 };
  const top = Math.max(max, 1);
  const percent = Math.min(100, Math.round((interviews / top) * 100));
  const minPercent = Math.min(100, Math.round((min / top) * 100));
  const status = interviews < min ? 'short' : interviews <= max ? 'on-target' : 'beyond';
  const range = min === max ? `${min}` : `${min}–${max}`;
  const label =
    status === 'short'
      ? `${interviews} of ${range} interviews: ${min - interviews} more to reach the target`
      : status === 'on-target'
        ? `${interviews} of ${range} interviews: on target`
        : `${interviews} interviews: beyond the target of ${range}`;
  const lacking = progress.per_persona
    .filter((p) => p.interviews < perPersona.min)
    .map((p) => ({ persona: p.persona, name: p.name, interviews: p.interviews, missing: perPersona.min - p.interviews }));
  return { percent, minPercent, label, status, perPersona, lacking };
}

/** Notes newest interview first; notes without a date after those with one, newest created first. */
export function sortNotes<T extends Pick<InterviewNote, 'interviewed_on' | 'created_at'>>(notes: T[]): T[] {
  return [...notes].sort((a, b) => {
    if (a.interviewed_on && b.interviewed_on && a.interviewed_on !== b.interviewed_on)
      return a.interviewed_on < b.interviewed_on ? 1 : -1;
    if (a.interviewed_on && !b.interviewed_on) return -1;
    if (!a.interviewed_on && b.interviewed_on) return 1;
    return a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0;
  });
}

/** "2024-03-07" → "7 Mar 2024" (no time zone shift); null → "". */
export function formatDay(day: string | null | undefined): string {
  if (!day) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  if (!m) return day;
  const date = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return date.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}

/** Today as YYYY-MM-DD in local time. */
export function today(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A new question id: short, unique enough, stable once made. */
export function newQuestionId(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `q-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Move the item at `from` to `to` (clamped), returning a new array. */
export function moveItem<T>(items: T[], from: number, to: number): T[] {
  if (from < 0 || from >= items.length) return items;
  const target = Math.max(0, Math.min(items.length - 1, to));
  if (target === from) return items;
  const next = [...items];
  const [item] = next.splice(from, 1);
  next.splice(target, 0, item!);
  return next;
}

/** "Ops lead · Northwind" from the parts there are. */
export function roleAtCompany(role: string, company: string): string {
  return [role.trim(), company.trim()].filter(Boolean).join(' · ');
}

const NEW_TITLE = 'New interview';

/** The title a note gets when its interviewee changes: one still made from the interviewee
 * (or never set) follows the new name; a title somebody wrote stays. */
export function titleForInterviewee(title: string, before: string, after: string): string {
  const made = !title.trim() || title === NEW_TITLE || title === `Interview with ${before.trim()}`;
  if (!made) return title;
  return after.trim() ? `Interview with ${after.trim()}` : NEW_TITLE;
}
