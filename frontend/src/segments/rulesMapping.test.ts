import type { RuleGroupType } from 'react-querybuilder';
import { describe, expect, it } from 'vitest';
import type { Json } from '../sync/types';
import { builderFields, fromQuery, itemAtPath, RAW_FIELD, toQuery, type RuleGrammar } from './rulesMapping';

// As GET /api/segments/fields/ answers (personas/rules.py).
const GRAMMAR: RuleGrammar = {
  fields: [
    { name: 'gender', kind: 'text', operators: ['contains', 'eq', 'in', 'ne'] },
    { name: 'age', kind: 'number', operators: ['between', 'eq', 'gt', 'gte', 'in', 'lt', 'lte', 'ne'] },
    { name: 'country', kind: 'text', operators: ['contains', 'eq', 'in', 'ne'] },
    { name: 'signup_date', kind: 'date', operators: ['between', 'eq', 'gt', 'gte', 'lt', 'lte', 'ne'] },
  ],
  purchases: { aggregates: ['count', 'sum'], operators: ['between', 'eq', 'gt', 'gte', 'lt', 'lte', 'ne'], within_days: { min: 1, max: 36500 } },
};

const roundTrip = (tree: Json) => fromQuery(toQuery(tree), GRAMMAR);

describe('rule tree ⇄ react-querybuilder', () => {
  it.each<[string, Json]>([
    [
      'men aged 18–25',
      {
        all: [
          { field: 'gender', op: 'eq', value: 'male' },
          { field: 'age', op: 'between', value: [18, 25] },
        ],
      },
    ],
    [
      'bought X in the last 3 months and spent more than 500',
      {
        all: [
          { purchases: { product: 'X', within_days: 90 }, agg: 'count', op: 'gte', value: 1 },
          { purchases: {}, agg: 'sum', op: 'gt', value: 500 },
        ],
      },
    ],
    [
      'any of, with a not group and lists',
      {
        any: [
          { field: 'country', op: 'in', value: ['France', 'Spain'] },
          { not: { all: [{ field: 'age', op: 'in', value: [30, 40] }, { field: 'gender', op: 'contains', value: 'fe' }] } },
          { field: 'signup_date', op: 'between', value: ['2025-01-01', '2025-12-31'] },
          { purchases: { within_days: 30 }, agg: 'sum', op: 'between', value: [10, 99.5] },
        ],
      },
    ],
    ['a not over one condition', { all: [{ not: { field: 'country', op: 'eq', value: 'France' } }] }],
    ['a not at the root', { not: { any: [{ field: 'age', op: 'lt', value: 18 }, { field: 'age', op: 'gt', value: 65 }] } }],
    ['a purchase the builder cannot show, kept as JSON', { all: [{ purchase: { product: 'Tent', min_amount: 100 } }] }],
  ])('%s round-trips unchanged', (_, tree) => {
    expect(roundTrip(tree)).toEqual({ rules: tree, problems: [] });
  });

  it('maps the shape the builder shows', () => {
    const query = toQuery({
      all: [
        { field: 'age', op: 'between', value: [18, 25] },
        { field: 'country', op: 'in', value: ['France', 'Spain'] },
        { purchases: { product: 'X', within_days: 90 }, agg: 'count', op: 'gte', value: 1 },
        { not: { any: [{ field: 'gender', op: 'ne', value: 'male' }] } },
      ],
    });
    expect(query).toEqual({
      combinator: 'and',
      rules: [
        { field: 'age', operator: 'between', value: ['18', '25'] },
        { field: 'country', operator: 'in', value: 'France, Spain' },
        { field: 'purchase_count', operator: '>=', value: { product: 'X', withinDays: '90', value: '1', to: '' } },
        { combinator: 'or', not: true, rules: [{ field: 'gender', operator: '!=', value: 'male' }] },
      ],
    });
  });

  it('an empty tree is an empty group, and an empty group is an empty tree', () => {
    expect(toQuery({})).toEqual({ combinator: 'and', rules: [] });
    expect(fromQuery({ combinator: 'and', rules: [] }, GRAMMAR)).toEqual({ rules: {}, problems: [] });
  });

  it('a lone condition at the root becomes a group of one', () => {
    const tree = { field: 'age', op: 'gte', value: 18 };
    expect(toQuery(tree)).toEqual({ combinator: 'and', rules: [{ field: 'age', operator: '>=', value: '18' }] });
    expect(roundTrip(tree).rules).toEqual({ all: [tree] });
  });

  it('reads the older shorthands as aggregates', () => {
    expect(roundTrip({ all: [{ purchase: { product: 'Tent', within_days: 365 } }, { total_spent: { op: 'gt', value: 500 } }] }).rules).toEqual({
      all: [
        { purchases: { product: 'Tent', within_days: 365 }, agg: 'count', op: 'gte', value: 1 },
        { purchases: {}, agg: 'sum', op: 'gt', value: 500 },
      ],
    });
  });

  it('types what was typed: numbers, dates, comma lists with spaces', () => {
    const query: RuleGroupType = {
      combinator: 'or',
      rules: [
        { field: 'age', operator: 'in', value: ' 18, 21 ,30,' },
        { field: 'age', operator: 'between', value: '18,25' },
        { field: 'gender', operator: '=', value: '  female ' },
        { field: 'purchase_sum', operator: '>', value: { product: ' ', withinDays: '', value: '500', to: '' } },
      ],
    };
    expect(fromQuery(query, GRAMMAR)).toEqual({
      rules: {
        any: [
          { field: 'age', op: 'in', value: [18, 21, 30] },
          { field: 'age', op: 'between', value: [18, 25] },
          { field: 'gender', op: 'eq', value: 'female' },
          { purchases: {}, agg: 'sum', op: 'gt', value: 500 },
        ],
      },
      problems: [],
    });
  });

  it('lists what is incomplete, by rule id', () => {
    const query: RuleGroupType = {
      id: 'g0',
      combinator: 'and',
      rules: [
        { id: 'r1', field: 'age', operator: '>', value: '' },
        { id: 'r2', field: 'signup_date', operator: 'between', value: ['2025-02-01', ''] },
        { id: 'r3', field: 'purchase_count', operator: 'between', value: { product: '', withinDays: '1.5', value: '5', to: '2' } },
        { id: 'g1', combinator: 'or', rules: [] },
        { id: 'r4', field: RAW_FIELD, operator: '=', value: '{nope' },
        { id: 'r5', field: 'country', operator: 'in', value: ' , ' },
      ],
    };
    const { problems } = fromQuery(query, GRAMMAR);
    expect(problems).toEqual([
      { id: 'r1', message: 'Age: enter a number.' },
      { id: 'r2', message: 'Signup date: enter a date.' },
      { id: 'r3', message: 'Number of purchases: the number of days must be a whole number, 1 or more.' },
      { id: 'r3', message: 'Number of purchases: the first value must not be above the second.' },
      { id: 'g1', message: 'An empty group: add a condition to it or remove it.' },
      { id: 'r4', message: 'Rule as JSON: not valid JSON.' },
      { id: 'r5', message: 'Country: list one or more values, separated by commas.' },
    ]);
  });

  it('finds the rule a server error path names', () => {
    const query = toQuery({
      all: [
        { field: 'age', op: 'gt', value: 1 },
        { not: { any: [{ field: 'gender', op: 'eq', value: 'x' }, { field: 'age', op: 'lt', value: 3 }] } },
        { not: { field: 'country', op: 'eq', value: 'y' } },
      ],
    });
    expect(itemAtPath(query, 'rules.all[0].value')).toMatchObject({ field: 'age', value: '1' });
    expect(itemAtPath(query, 'rules.all[1].not.any[1].op')).toMatchObject({ field: 'age', value: '3' });
    expect(itemAtPath(query, 'rules.all[2].not.value')).toMatchObject({ field: 'country' });
    expect(itemAtPath(query, 'rules.all[7]')).toBeNull();
  });

  it('offers each field with the operators of its kind, purchases and raw JSON last', () => {
    const fields = builderFields(GRAMMAR);
    expect(fields.map((f) => f.name)).toEqual(['gender', 'age', 'country', 'signup_date', 'purchase_count', 'purchase_sum', RAW_FIELD]);
    const age = fields.find((f) => f.name === 'age')!;
    expect(age.inputType).toBe('number');
    expect((age.operators as { name: string }[]).map((o) => o.name)).toEqual(['=', '!=', '>', '>=', '<', '<=', 'between', 'in']);
    const gender = fields.find((f) => f.name === 'gender')!;
    expect((gender.operators as { label: string }[]).map((o) => o.label)).toEqual(['is', 'is not', 'is one of', 'contains']);
    expect(fields.find((f) => f.name === 'signup_date')!.inputType).toBe('date');
  });
});
