import { describe, expect, it } from 'vitest';
import type { NoteAnswer, ResearchProgress } from '../api/research';
import {
  defaultPersona,
  fieldLabel,
  formatDay,
  isPromoteField,
  mergeAnswers,
  moveItem,
  progressView,
  promoteText,
  roleAtCompany,
  sameAnswers,
  sortNotes,
  titleForInterviewee,
  today,
} from './logic';

const a = (question: string, text: string, answer = ''): NoteAnswer => ({ question, text, answer });

describe('mergeAnswers', () => {
  it('gives a new note every guide question, unanswered, in guide order', () => {
    expect(mergeAnswers([], [{ id: 'q1', text: 'Who are you?' }, { id: 'q2', text: 'What hurts?' }])).toEqual([
      a('q1', 'Who are you?'),
      a('q2', 'What hurts?'),
    ]);
  });

  it('keeps answers by question id and takes the guide’s current wording', () => {
    const merged = mergeAnswers([a('q2', 'Old wording', 'Slow checkout'), a('q1', 'Role?', 'Buyer')], [
      { id: 'q1', text: 'Your role?' },
      { id: 'q2', text: 'What hurts most?' },
    ]);
    expect(merged).toEqual([a('q1', 'Your role?', 'Buyer'), a('q2', 'What hurts most?', 'Slow checkout')]);
  });

  it('on a guide change keeps what was written, matching the same question text', () => {
    const before = [a('old-1', 'What is your role?', 'Ops lead'), a('old-2', 'Anything else?', ''), a('old-3', 'Budget?', '5k')];
    const merged = mergeAnswers(before, [
      { id: 'n1', text: 'What is your  ROLE?' },
      { id: 'n2', text: 'How do you buy?' },
    ]);
    expect(merged).toEqual([
      a('n1', 'What is your  ROLE?', 'Ops lead'),
      a('n2', 'How do you buy?', ''),
      // Answered but not asked by the new guide: kept at the end. The unanswered one goes.
      a('old-3', 'Budget?', '5k'),
    ]);
  });

  it('with no guide leaves the answers as they are (copied)', () => {
    const answers = [a('q1', 'Q', 'A')];
    const merged = mergeAnswers(answers, null);
    expect(merged).toEqual(answers);
    expect(merged[0]).not.toBe(answers[0]);
  });

  it('does not give one answer to two questions', () => {
    const merged = mergeAnswers([a('x', 'Same?', 'yes')], [
      { id: 'x', text: 'Same?' },
      { id: 'y', text: 'Same?' },
    ]);
    expect(merged.map((m) => m.answer)).toEqual(['yes', '']);
  });
});

describe('sameAnswers', () => {
  it('compares question, text and answer in order', () => {
    expect(sameAnswers([a('q', 't', 'x')], [a('q', 't', 'x')])).toBe(true);
    expect(sameAnswers([a('q', 't', 'x')], [a('q', 't', 'y')])).toBe(false);
    expect(sameAnswers([a('q', 't')], [])).toBe(false);
  });
});

describe('promoteText', () => {
  const text = 'I hate it when the checkout asks for my address twice.';
  it('takes the selection when there is one', () => {
    expect(promoteText(text, { start: 19, end: 53 })).toBe('checkout asks for my address twice');
  });
  it('takes the whole answer for an empty or blank selection', () => {
    expect(promoteText(text, { start: 5, end: 5 })).toBe(text);
    expect(promoteText('a  b', { start: 1, end: 3 })).toBe('a b');
    expect(promoteText(text, null)).toBe(text);
  });
  it('accepts a backwards selection and clamps it', () => {
    expect(promoteText('hello world', { start: 99, end: 6 })).toBe('world');
  });
  it('tidies whitespace and takes wrapping quotation marks off', () => {
    expect(promoteText('  “It just\n works.”  ')).toBe('It just works.');
    expect(promoteText('"quoted"')).toBe('quoted');
    expect(promoteText('"')).toBe('"');
  });
});

describe('defaultPersona', () => {
  const all = [{ id: 'p1' }, { id: 'p2' }, { id: 'p3' }];
  it('prefers the last used, then the first linked, then the first of all', () => {
    expect(defaultPersona(['p2'], all, 'p3')).toBe('p3');
    expect(defaultPersona(['p2'], all, 'gone')).toBe('p2');
    expect(defaultPersona(['gone'], all)).toBe('p1');
    expect(defaultPersona([], [])).toBe('');
  });
});

describe('progressView', () => {
  const progress = (interviews: number, perPersona: number[]): ResearchProgress => ({
    interviews,
    personas: perPersona.length,
    target_min: perPersona.length * 3,
    target_max: perPersona.length * 5,
    per_persona: perPersona.map((n, i) => ({ persona: `p${i}`, name: `P${i}`, tier: 'primary', interviews: n })),
  });
  it('measures against the upper end and says how many are missing', () => {
    const view = progressView(progress(3, [3, 0]));
    expect(view.percent).toBe(30);
    expect(view.minPercent).toBe(60);
    expect(view.status).toBe('short');
    expect(view.label).toBe('3 of 6–10 interviews: 3 more to reach the target');
    expect(view.perPersona).toEqual({ min: 3, max: 5 });
    expect(view.lacking).toEqual([{ persona: 'p1', name: 'P1', interviews: 0, missing: 3 }]);
  });
  it('is on target between the ends and caps the bar beyond', () => {
    expect(progressView(progress(7, [4, 3])).status).toBe('on-target');
    const beyond = progressView(progress(14, [7, 7]));
    expect(beyond.status).toBe('beyond');
    expect(beyond.percent).toBe(100);
  });
  it('copes with no personas', () => {
    const view = progressView({ interviews: 0, personas: 0, target_min: 0, target_max: 0, per_persona: [] });
    expect(view.percent).toBe(0);
    expect(view.perPersona).toEqual({ min: 3, max: 5 });
  });
});

describe('sortNotes', () => {
  it('puts the latest interview first and undated notes last', () => {
    const notes = [
      { id: 'a', interviewed_on: '2024-01-02', created_at: '2024-01-01T00:00:00Z' },
      { id: 'b', interviewed_on: null, created_at: '2024-05-01T00:00:00Z' },
      { id: 'c', interviewed_on: '2024-03-01', created_at: '2024-01-01T00:00:00Z' },
      { id: 'd', interviewed_on: null, created_at: '2024-06-01T00:00:00Z' },
    ];
    expect(sortNotes(notes).map((n) => n.id)).toEqual(['c', 'a', 'd', 'b']);
  });
});

describe('small helpers', () => {
  it('moves items and ignores moves out of range', () => {
    expect(moveItem([1, 2, 3], 0, 2)).toEqual([2, 3, 1]);
    expect(moveItem([1, 2, 3], 2, -5)).toEqual([3, 1, 2]);
    const same = [1, 2];
    expect(moveItem(same, 1, 1)).toBe(same);
    expect(moveItem(same, 5, 0)).toBe(same);
  });
  it('labels fields', () => {
    expect(fieldLabel('pain_points')).toBe('Pain point');
    expect(fieldLabel('feels')).toBe('Empathy map · Feels');
    expect(fieldLabel('preferred_content')).toBe('Preferred content');
    expect(isPromoteField('quotes')).toBe(true);
    expect(isPromoteField('empathy_map')).toBe(false);
  });
  it('formats days without a time zone shift', () => {
    expect(formatDay('2024-03-07')).toMatch(/7/);
    expect(formatDay('2024-03-07')).toMatch(/2024/);
    expect(formatDay(null)).toBe('');
    expect(today(new Date(2024, 0, 5))).toBe('2024-01-05');
  });
  it('joins role and company', () => {
    expect(roleAtCompany(' Buyer ', 'Acme')).toBe('Buyer · Acme');
    expect(roleAtCompany('', 'Acme')).toBe('Acme');
  });
});

describe('titleForInterviewee', () => {
  it('follows the interviewee while the title is a made one', () => {
    expect(titleForInterviewee('New interview', '', 'Priya Shah')).toBe('Interview with Priya Shah');
    expect(titleForInterviewee('', '', ' Priya ')).toBe('Interview with Priya');
    expect(titleForInterviewee('Interview with Priya', 'Priya', 'Jonas')).toBe('Interview with Jonas');
    expect(titleForInterviewee('Interview with Priya', 'Priya', '')).toBe('New interview');
  });
  it('keeps a title somebody wrote', () => {
    expect(titleForInterviewee('Ops deep dive', 'Priya', 'Jonas')).toBe('Ops deep dive');
  });
});
