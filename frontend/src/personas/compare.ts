/** Side-by-side persona comparison: which cells differ, which list items are shared. Pure. */
import type { Persona } from '../api/types';

export const MAX_COMPARED = 4;
export const MIN_COMPARED = 2;

/** `?ids=a,b,c` → the distinct ids in order, at most four. */
export function parseIds(param: string | null | undefined): string[] {
  const ids: string[] = [];
  for (const raw of (param ?? '').split(',')) {
    const id = raw.trim();
    if (id && !ids.includes(id)) ids.push(id);
    if (ids.length === MAX_COMPARED) break;
  }
  return ids;
}

export type Scalar = string | number | null | undefined;

/** How a value compares: blanks are one value, text ignores case and extra spaces. */
export function normalise(value: Scalar): string {
  if (value === null || value === undefined) return '';
  return String(value).trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Which cells of a row to highlight. When every value is equal none are. When one value is
 * held by more personas than any other (the usual one), the cells that depart from it are;
 * otherwise (two personas, a tie, all different) every cell is.
 */
export function scalarDiff(values: Scalar[]): { differs: boolean[]; allEqual: boolean } {
  const keys = values.map(normalise);
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  if (counts.size <= 1) return { differs: keys.map(() => false), allEqual: true };
  const top = Math.max(...counts.values());
  const leaders = [...counts].filter(([, n]) => n === top);
  const usual = leaders.length === 1 ? leaders[0]?.[0] : undefined;
  if (top > 1 && usual !== undefined) {
    return { differs: keys.map((k) => k !== usual), allEqual: false };
  }
  return { differs: keys.map(() => true), allEqual: false };
}

/** An item of one persona's list: in every compared persona's list, some of them, or only this one. */
export type Presence = 'all' | 'some' | 'unique';
export interface ListItem {
  text: string;
  presence: Presence;
}

export function listDiff(lists: string[][]): { items: ListItem[][]; allEqual: boolean } {
  const sets = lists.map((list) => new Set(list.map(normalise).filter(Boolean)));
  const holders = (key: string) => sets.filter((s) => s.has(key)).length;
  const items = lists.map((list) =>
    list
      .filter((text) => normalise(text))
      .map((text): ListItem => {
        const n = holders(normalise(text));
        return { text, presence: n === sets.length ? 'all' : n > 1 ? 'some' : 'unique' };
      }),
  );
  const first = sets[0] ?? new Set<string>();
  const allEqual = sets.every((s) => s.size === first.size && [...s].every((k) => first.has(k)));
  return { items, allEqual };
}

export type CompareRow =
  | { kind: 'scalar'; key: string; label: string; values: string[]; differs: boolean[]; allEqual: boolean }
  | { kind: 'list'; key: string; label: string; items: ListItem[][]; allEqual: boolean };

export interface CompareSection {
  key: string;
  label: string;
  rows: CompareRow[];
}

export interface CompareContext {
  /** Channel id → name, for `preferred_channels`. */
  channelNames?: Map<string, string>;
  /** Formats a `YYYY-MM-DD` date for display. */
  formatDate?: (iso: string) => string;
}

function scalarRow(key: string, label: string, raw: Scalar[], shown?: string[]): CompareRow {
  const { differs, allEqual } = scalarDiff(raw);
  const values = shown ?? raw.map((v) => (v === null || v === undefined ? '' : String(v)));
  return { kind: 'scalar', key, label, values, differs, allEqual };
}

function listRow(key: string, label: string, lists: string[][]): CompareRow {
  const { items, allEqual } = listDiff(lists);
  return { kind: 'list', key, label, items, allEqual };
}

/** "Review overdue" / "Never reviewed" / "Current". */
export function reviewStatus(p: Pick<Persona, 'is_stale' | 'last_reviewed_at'>): string {
  if (!p.last_reviewed_at) return 'Never reviewed';
  return p.is_stale ? 'Review overdue' : 'Current';
}

function money(value: Persona['lifetime_value']): string {
  if (value === null || value === undefined || value === '') return '';
  const n = Number(value);
  return Number.isFinite(n) ? n.toLocaleString() : String(value);
}

/** Every section of the comparison, one row per field, in display order. */
export function buildComparison(personas: Persona[], context: CompareContext = {}): CompareSection[] {
  const date = context.formatDate ?? ((iso: string) => iso);
  const pick = <T>(f: (p: Persona) => T) => personas.map(f);
  const lists = (f: (p: Persona) => string[] | undefined) => personas.map((p) => f(p) ?? []);
  const empathy = (q: 'says' | 'thinks' | 'does' | 'feels') => lists((p) => p.empathy_map?.[q]);
  const channel = (id: string) => context.channelNames?.get(id) ?? id;
  return [
    {
      key: 'overview',
      label: 'Overview',
      rows: [
        scalarRow('tier', 'Tier', pick((p) => p.tier)),
        scalarRow('bio', 'Bio', pick((p) => p.bio)),
        listRow('quotes', 'Quotes', lists((p) => p.quotes)),
      ],
    },
    {
      key: 'demographics',
      label: 'Demographics',
      rows: [
        scalarRow('age', 'Age', pick((p) => p.age)),
        scalarRow('gender', 'Gender', pick((p) => p.gender)),
        scalarRow('location', 'Location', pick((p) => p.location)),
        scalarRow('income', 'Income', pick((p) => p.income)),
        scalarRow('education', 'Education', pick((p) => p.education)),
        scalarRow('family', 'Family', pick((p) => p.family)),
        scalarRow('job_title', 'Job title', pick((p) => p.job_title)),
        scalarRow('company', 'Company', pick((p) => p.company)),
      ],
    },
    {
      key: 'psychographics',
      label: 'Psychographics',
      rows: [
        listRow('personality', 'Personality', lists((p) => p.personality)),
        listRow('values', 'Values', lists((p) => p.values)),
        listRow('interests', 'Interests', lists((p) => p.interests)),
        scalarRow('lifestyle', 'Lifestyle', pick((p) => p.lifestyle)),
      ],
    },
    {
      key: 'goals_needs',
      label: 'Goals & needs',
      rows: [
        listRow('goals', 'Goals', lists((p) => p.goals)),
        listRow('needs', 'Needs', lists((p) => p.needs)),
        listRow('pain_points', 'Pain points', lists((p) => p.pain_points)),
        listRow('motivations', 'Motivations', lists((p) => p.motivations)),
        listRow('expectations', 'Expectations', lists((p) => p.expectations)),
        listRow('objections', 'Objections', lists((p) => p.objections)),
      ],
    },
    {
      key: 'behaviour',
      label: 'Behaviour',
      rows: [
        listRow('behaviours', 'Behaviours', lists((p) => p.behaviours)),
        listRow('preferred_channels', 'Channels', lists((p) => p.preferred_channels.map(channel))),
        listRow('preferred_content', 'Preferred content', lists((p) => p.preferred_content)),
      ],
    },
    {
      key: 'empathy_map',
      label: 'Empathy map',
      rows: [
        listRow('says', 'Says', empathy('says')),
        listRow('thinks', 'Thinks', empathy('thinks')),
        listRow('does', 'Does', empathy('does')),
        listRow('feels', 'Feels', empathy('feels')),
      ],
    },
    {
      key: 'value',
      label: 'Value',
      rows: [
        scalarRow(
          'lifetime_value',
          'Lifetime value',
          pick((p) => (p.lifetime_value === null || p.lifetime_value === '' ? null : Number(p.lifetime_value))),
          pick((p) => money(p.lifetime_value)),
        ),
        scalarRow('churn_risk', 'Churn risk', pick((p) => p.churn_risk)),
      ],
    },
    {
      key: 'review',
      label: 'Review',
      rows: [
        scalarRow('review_status', 'Review status', pick(reviewStatus)),
        scalarRow(
          'last_reviewed_at',
          'Last reviewed',
          pick((p) => p.last_reviewed_at),
          pick((p) => (p.last_reviewed_at ? date(p.last_reviewed_at) : 'Never')),
        ),
        scalarRow(
          'review_cadence_days',
          'Review every',
          pick((p) => p.review_cadence_days),
          pick((p) => `${p.review_cadence_days} days`),
        ),
        scalarRow('owner', 'Owner', pick((p) => p.owner_name)),
      ],
    },
  ];
}

/** The sections to show: with `differencesOnly`, rows where everyone agrees (and sections left empty) go. */
export function visibleSections(sections: CompareSection[], differencesOnly: boolean): CompareSection[] {
  if (!differencesOnly) return sections;
  return sections
    .map((section) => ({ ...section, rows: section.rows.filter((row) => !row.allEqual) }))
    .filter((section) => section.rows.length > 0);
}

/** How many rows differ, over how many. */
export function differenceCount(sections: CompareSection[]): { differing: number; total: number } {
  const rows = sections.flatMap((s) => s.rows);
  return { differing: rows.filter((r) => !r.allEqual).length, total: rows.length };
}

/** `YYYY-MM-DD` (or an ISO timestamp) as a local calendar date, e.g. "3 Mar 2024". */
export function formatDay(iso: string | null | undefined): string {
  if (!iso) return '';
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const date = day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}
