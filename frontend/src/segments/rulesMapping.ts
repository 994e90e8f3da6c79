/**
 * Our segment rule tree (personas/rules.py, docs/architecture.md "Segment rules") ⇄ the
 * query format of react-querybuilder, both ways. Pure: no React, no fetch.
 *
 * - groups: `{all: […]}` / `{any: […]}` ⇄ a group with combinator `and` / `or`; `{not: X}`
 *   ⇄ the group's `not` toggle (a `not` over one condition is a `not` group holding it).
 * - a profile condition ⇄ a rule on that field; `between` holds `[low, high]`, `in` a
 *   comma-separated list; the values are typed as the field's kind on the way back.
 * - a purchase aggregate ⇄ a rule on `purchase_count` / `purchase_sum` whose value is a
 *   {@link PurchaseValue} (product and days optional).
 * - the older shorthands read as aggregates (`purchase` is count ≥ 1, `total_spent` a sum);
 *   anything else (a `purchase` with `min_amount`) is kept as a raw JSON rule, so nothing
 *   stored is lost by opening it in the builder.
 *
 * The way back also lists what is incomplete (a blank number, an empty group), so the page
 * can say so instead of sending rules the server would refuse.
 */
import type { Field, RuleGroupType, RuleType } from 'react-querybuilder';
import type { Json } from '../sync/types';

export type Kind = 'text' | 'number' | 'date';

/** `GET /api/segments/fields/`: the grammar of personas/rules.py. */
export interface RuleGrammar {
  fields: { name: string; kind: Kind; operators: string[] }[];
  purchases: { aggregates: string[]; operators: string[]; within_days: { min: number; max: number } };
  products?: string[];
}

/** The value of a purchase rule, as typed (strings; blank product or days means "any"). */
export interface PurchaseValue {
  product: string;
  withinDays: string;
  value: string;
  to: string; // the upper bound, for `between`
}

export interface Problem {
  /** The builder's id of the rule or group (or its position when it has none). */
  id: string;
  message: string;
}

export const PURCHASE_FIELDS: Record<string, 'count' | 'sum'> = { purchase_count: 'count', purchase_sum: 'sum' };
const AGG_FIELD: Record<string, string> = { count: 'purchase_count', sum: 'purchase_sum' };
export const RAW_FIELD = 'json';

const TO_RQB: Record<string, string> = {
  eq: '=',
  ne: '!=',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  between: 'between',
  in: 'in',
  contains: 'contains',
};
const FROM_RQB: Record<string, string> = Object.fromEntries(Object.entries(TO_RQB).map(([ours, theirs]) => [theirs, ours]));

const FIELD_LABELS: Record<string, string> = {
  gender: 'Gender',
  age: 'Age',
  country: 'Country',
  city: 'City',
  email: 'Email',
  name: 'Full name',
  first_name: 'First name',
  last_name: 'Last name',
  income: 'Income',
  signup_date: 'Signup date',
  purchase_count: 'Number of purchases',
  purchase_sum: 'Amount spent',
  [RAW_FIELD]: 'Rule as JSON',
};

const OP_LABELS: Record<Kind, Record<string, string>> = {
  text: { eq: 'is', ne: 'is not', in: 'is one of', contains: 'contains' },
  number: { eq: '=', ne: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤', between: 'between', in: 'is one of' },
  date: { eq: 'on', ne: 'not on', gt: 'after', gte: 'on or after', lt: 'before', lte: 'on or before', between: 'between' },
};
// The order the operator menus list them in.
const OP_ORDER = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'contains'];

export function fieldLabel(name: string): string {
  return FIELD_LABELS[name] ?? name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

function operators(ops: string[], kind: Kind): { name: string; label: string }[] {
  return [...ops]
    .sort((a, b) => OP_ORDER.indexOf(a) - OP_ORDER.indexOf(b))
    .flatMap((op) => {
      const name = TO_RQB[op];
      return name ? [{ name, label: OP_LABELS[kind][op] ?? op }] : [];
    });
}

export const EMPTY_PURCHASE: PurchaseValue = { product: '', withinDays: '', value: '', to: '' };

/** The builder's field list, from the server's grammar. */
export function builderFields(grammar: RuleGrammar): Field[] {
  const profile: Field[] = grammar.fields.map((f) => ({
    name: f.name,
    label: fieldLabel(f.name),
    inputType: f.kind === 'text' ? 'text' : f.kind,
    operators: operators(f.operators, f.kind),
    defaultOperator: '=',
  }));
  const purchases: Field[] = grammar.purchases.aggregates.flatMap((agg) => {
    const name = AGG_FIELD[agg];
    if (!name) return [];
    return [
      {
        name,
        label: fieldLabel(name),
        operators: operators(grammar.purchases.operators, 'number'),
        defaultOperator: agg === 'count' ? '>=' : '>',
        defaultValue: { ...EMPTY_PURCHASE, value: agg === 'count' ? '1' : '' },
      },
    ];
  });
  const raw: Field = {
    name: RAW_FIELD,
    label: fieldLabel(RAW_FIELD),
    operators: [{ name: '=', label: 'is' }],
    valueEditorType: 'textarea',
    defaultValue: '{}',
  };
  return [...profile, ...purchases, raw];
}

// ---- ours → the builder's -------------------------------------------------------------

type Obj = { [key: string]: Json };

function isObj(node: Json | undefined): node is Obj {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

const text = (value: Json | undefined) => (value === null || value === undefined ? '' : String(value));

/** The builder's query for a stored rule tree (an empty tree is an empty group). */
export function toQuery(tree: Json): RuleGroupType {
  if (!isObj(tree) || Object.keys(tree).length === 0) return { combinator: 'and', rules: [] };
  const item = toItem(tree);
  return 'rules' in item ? item : { combinator: 'and', rules: [item] };
}

function toItem(node: Json): RuleType | RuleGroupType {
  if (!isObj(node)) return raw(node);
  for (const key of ['all', 'any'] as const) {
    const children = node[key];
    if (Array.isArray(children) && Object.keys(node).length === 1) {
      return { combinator: key === 'all' ? 'and' : 'or', rules: children.map(toItem) };
    }
  }
  if ('not' in node && Object.keys(node).length === 1) {
    const inner = toItem(node.not ?? null);
    return 'rules' in inner && !inner.not ? { ...inner, not: true } : { combinator: 'and', not: true, rules: [inner] };
  }
  const operator = typeof node.op === 'string' ? TO_RQB[node.op] : undefined;
  if (typeof node.field === 'string' && operator) {
    const value = node.value;
    if (node.op === 'between' && Array.isArray(value)) return rule(node.field, 'between', value.map(text));
    if (node.op === 'in' && Array.isArray(value)) return rule(node.field, 'in', value.map(text).join(', '));
    return rule(node.field, operator, text(value));
  }
  const aggField = typeof node.agg === 'string' ? AGG_FIELD[node.agg] : undefined;
  if (isObj(node.purchases) && aggField && operator) {
    const spec = node.purchases;
    const between = node.op === 'between' && Array.isArray(node.value);
    const values = between ? (node.value as Json[]) : [node.value ?? null, null];
    return rule(aggField, operator, {
      product: text(spec.product),
      withinDays: text(spec.within_days),
      value: text(values[0]),
      to: between ? text(values[1]) : '',
    });
  }
  if (isObj(node.purchase) && Object.keys(node).length === 1 && node.purchase.min_amount === undefined) {
    const spec = node.purchase;
    return rule('purchase_count', '>=', { product: text(spec.product), withinDays: text(spec.within_days), value: '1', to: '' });
  }
  if (isObj(node.total_spent) && Object.keys(node).length === 1 && typeof node.total_spent.op === 'string') {
    const spec = node.total_spent;
    return rule('purchase_sum', TO_RQB[spec.op as string] ?? '>', {
      product: '',
      withinDays: text(spec.within_days),
      value: text(spec.value),
      to: '',
    });
  }
  return raw(node);
}

function rule(field: string, operator: string, value: unknown): RuleType {
  return { field, operator, value };
}

function raw(node: Json): RuleType {
  return rule(RAW_FIELD, '=', JSON.stringify(node));
}

// ---- the builder's → ours -------------------------------------------------------------

export interface Mapped {
  rules: Json;
  problems: Problem[];
}

/** The rule tree for a builder query, with what is incomplete in it. */
export function fromQuery(query: RuleGroupType, grammar: RuleGrammar): Mapped {
  const kinds: Record<string, Kind> = Object.fromEntries(grammar.fields.map((f) => [f.name, f.kind]));
  const problems: Problem[] = [];
  if (query.rules.length === 0 && !query.not) return { rules: {}, problems };
  const rules = fromGroup(query, 'root', kinds, problems);
  return { rules, problems };
}

function fromGroup(group: RuleGroupType, at: string, kinds: Record<string, Kind>, problems: Problem[]): Json {
  const id = group.id ?? at;
  const children = group.rules
    .filter((item): item is RuleType | RuleGroupType => typeof item === 'object')
    .map((item, index) =>
      'rules' in item ? fromGroup(item, `${at}.${index}`, kinds, problems) : fromRule(item, `${at}.${index}`, kinds, problems),
    );
  if (children.length === 0) problems.push({ id, message: 'An empty group: add a condition to it or remove it.' });
  const only = children[0];
  if (group.not && children.length === 1 && only !== undefined && !('rules' in (group.rules[0] as object))) {
    return { not: only };
  }
  const node: Json = { [group.combinator === 'or' ? 'any' : 'all']: children };
  return group.not ? { not: node } : node;
}

function fromRule(item: RuleType, at: string, kinds: Record<string, Kind>, problems: Problem[]): Json {
  const id = item.id ?? at;
  const label = fieldLabel(item.field);
  const complain = (message: string) => problems.push({ id, message: `${label}: ${message}` });
  if (item.field === RAW_FIELD) {
    try {
      return JSON.parse(String(item.value ?? '')) as Json;
    } catch {
      complain('not valid JSON.');
      return {};
    }
  }
  const op = FROM_RQB[item.operator] ?? item.operator;
  const agg = PURCHASE_FIELDS[item.field];
  if (agg) return fromPurchase(item.value as Partial<PurchaseValue> | undefined, agg, op, complain);
  const kind = kinds[item.field] ?? 'text';
  if (op === 'between') {
    const [low, high] = listOf(item.value);
    const values = [typed(low ?? '', kind, complain), typed(high ?? '', kind, complain)];
    if (values.every((v) => v !== null) && (values[0] as number | string) > (values[1] as number | string)) {
      complain('the first value must not be above the second.');
    }
    return { field: item.field, op, value: values };
  }
  if (op === 'in') {
    const parts = listOf(item.value).filter((part) => part !== '');
    if (parts.length === 0) complain('list one or more values, separated by commas.');
    return { field: item.field, op, value: parts.map((part) => typed(part, kind, complain)) };
  }
  return { field: item.field, op, value: typed(String(item.value ?? ''), kind, complain) };
}

function fromPurchase(
  value: Partial<PurchaseValue> | undefined,
  agg: 'count' | 'sum',
  op: string,
  complain: (message: string) => void,
): Json {
  const v = { ...EMPTY_PURCHASE, ...(value ?? {}) };
  const spec: Obj = {};
  if (v.product.trim()) spec.product = v.product.trim();
  if (v.withinDays.trim()) {
    const days = Number(v.withinDays);
    if (!Number.isInteger(days) || days < 1) complain('the number of days must be a whole number, 1 or more.');
    spec.within_days = Number.isFinite(days) ? days : v.withinDays;
  }
  const amount = typed(v.value, 'number', complain);
  if (op === 'between') {
    const to = typed(v.to, 'number', complain);
    if (amount !== null && to !== null && (amount as number) > (to as number)) complain('the first value must not be above the second.');
    return { purchases: spec, agg, op, value: [amount, to] };
  }
  return { purchases: spec, agg, op, value: amount };
}

/** A comma list (or the builder's array) as trimmed strings. */
function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((part) => String(part ?? '').trim());
  return String(value ?? '')
    .split(',')
    .map((part) => part.trim());
}

function typed(raw: string, kind: Kind, complain: (message: string) => void): Json {
  const value = raw.trim();
  if (kind === 'number') {
    const n = Number(value);
    if (value === '' || !Number.isFinite(n)) {
      complain('enter a number.');
      return null;
    }
    return n;
  }
  if (kind === 'date') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      complain('enter a date.');
      return null;
    }
    return value;
  }
  if (value === '') complain('enter a value.');
  return value;
}

// ---- the server's error path → the builder's rule -------------------------------------

/**
 * The builder's rule or group at a path the server names ("rules.all[1].value"), so its
 * refusal can point at what the person typed. Null when the path leads nowhere in it.
 */
export function itemAtPath(query: RuleGroupType, path: string): RuleType | RuleGroupType | null {
  const steps = [...path.matchAll(/\.(all|any|not)(?:\[(\d+)\])?/g)];
  let item: RuleType | RuleGroupType = query;
  // A root group that maps to a lone `{not: condition}` has no all/any step for its child.
  for (const [, key, index] of steps) {
    if (!('rules' in item)) return null;
    const group: RuleGroupType = item;
    if (key === 'not') {
      if (group.rules.length === 1 && !('rules' in (group.rules[0] as object))) item = group.rules[0] as RuleType;
      continue;
    }
    const next: unknown = group.rules[Number(index)];
    if (!next || typeof next !== 'object') return null;
    item = next as RuleType | RuleGroupType;
  }
  return item;
}
