/** The segment rule builder: react-querybuilder's own components, fed the server's grammar,
 * with one editor of ours for purchase conditions (product, days, count or amount). */
import { useId, useMemo } from 'react';
import { QueryBuilder, ValueEditor, type RuleGroupType, type ValueEditorProps } from 'react-querybuilder';
import 'react-querybuilder/dist/query-builder.css';
import '../styles/segments.css';
import { builderFields, EMPTY_PURCHASE, PURCHASE_FIELDS, type PurchaseValue, type RuleGrammar } from './rulesMapping';

interface Context {
  productsId: string;
  maxDays: number;
}

const TRANSLATIONS = {
  fields: { title: 'Field' },
  operators: { title: 'Comparison' },
  value: { title: 'Value' },
  combinators: { title: 'Match all or any' },
  addRule: { label: '+ Condition', title: 'Add a condition' },
  addGroup: { label: '+ Group', title: 'Add a group of conditions' },
  removeRule: { label: 'Remove', title: 'Remove this condition' },
  removeGroup: { label: 'Remove group', title: 'Remove this group' },
  notToggle: { label: 'Not', title: 'Match customers this group does not select' },
};

const COMBINATORS = [
  { name: 'and', label: 'ALL of' },
  { name: 'or', label: 'ANY of' },
];

export function RuleBuilder({
  grammar,
  query,
  onQueryChange,
  invalid,
}: {
  grammar: RuleGrammar;
  query: RuleGroupType;
  onQueryChange: (query: RuleGroupType) => void;
  /** Ids of rules and groups to mark as needing attention. */
  invalid: string[];
}) {
  const productsId = useId();
  const fields = useMemo(() => builderFields(grammar), [grammar]);
  const context = useMemo<Context>(() => ({ productsId, maxDays: grammar.purchases.within_days.max }), [productsId, grammar]);
  const key = invalid.join(' ');
  const validator = useMemo(() => () => Object.fromEntries(key.split(' ').filter(Boolean).map((id) => [id, false])), [key]);
  return (
    <div className="rule-builder">
      <datalist id={productsId}>
        {(grammar.products ?? []).map((product) => (
          <option key={product} value={product} />
        ))}
      </datalist>
      <QueryBuilder
        fields={fields}
        query={query}
        onQueryChange={onQueryChange}
        combinators={COMBINATORS}
        showNotToggle
        listsAsArrays
        context={context}
        translations={TRANSLATIONS}
        validator={validator}
        controlElements={{ valueEditor: SegmentValueEditor }}
      />
    </div>
  );
}

function SegmentValueEditor(props: ValueEditorProps) {
  const agg = PURCHASE_FIELDS[props.field];
  if (!agg) return <ValueEditor {...props} />;
  return <PurchaseEditor {...props} agg={agg} />;
}

/** A purchase condition's value: which product (any when blank), over how many days (all
 * time when blank), and the number of purchases or the amount, two of them for "between". */
function PurchaseEditor({ value, handleOnChange, operator, context, agg, disabled }: ValueEditorProps & { agg: 'count' | 'sum' }) {
  const v: PurchaseValue = { ...EMPTY_PURCHASE, ...((value as Partial<PurchaseValue> | undefined) ?? {}) };
  const ctx = context as Context;
  const set = (patch: Partial<PurchaseValue>) => handleOnChange({ ...v, ...patch });
  const what = agg === 'count' ? 'Number of purchases' : 'Amount spent';
  return (
    <span className="rule-purchase">
      <input
        type="number"
        className="rule-value"
        aria-label={operator === 'between' ? `${what}, from` : what}
        min={0}
        step={agg === 'count' ? 1 : 'any'}
        value={v.value}
        disabled={disabled}
        onChange={(e) => set({ value: e.target.value })}
      />
      {operator === 'between' && (
        <>
          <span aria-hidden="true">and</span>
          <input
            type="number"
            className="rule-value"
            aria-label={`${what}, to`}
            min={0}
            step={agg === 'count' ? 1 : 'any'}
            value={v.to}
            disabled={disabled}
            onChange={(e) => set({ to: e.target.value })}
          />
        </>
      )}
      <span>of</span>
      <input
        type="text"
        className="rule-product"
        aria-label="Product (blank for any product)"
        placeholder="any product"
        list={ctx.productsId}
        value={v.product}
        disabled={disabled}
        onChange={(e) => set({ product: e.target.value })}
      />
      <span>in the last</span>
      <input
        type="number"
        className="rule-days"
        aria-label="Within the last how many days (blank for all time)"
        placeholder="all time"
        min={1}
        max={ctx.maxDays}
        step={1}
        value={v.withinDays}
        disabled={disabled}
        onChange={(e) => set({ withinDays: e.target.value })}
      />
      <span>days</span>
    </span>
  );
}
