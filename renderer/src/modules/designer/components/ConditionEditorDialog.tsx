import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Condition, ConditionOp, FieldDef } from '../../../../../shared/templates/schema';
import { useAppStore } from '../../../app/store';
import { Button, Dialog, hasModKey, Icon } from '../../../ui';
import { useTemplateDefinitions } from '../../templates/hooks/useTemplates';
import { labelOf, optionListOf } from '../../templates/utils/attrFormat';
import { fromDraft, toDraft } from '../../templates/utils/attrValues';
import {
  canNestIn,
  conditionProblems,
  emptyGroup,
  fromCondition,
  LIST_OPS,
  newRule,
  opsFor,
  removeNode,
  toCondition,
  updateNode,
  VALUELESS_OPS,
  withField,
  withOp,
  type ConditionNode,
  type GroupMode,
  type GroupNode,
  type RuleNode,
} from '../utils/conditionModel';
import { useDiscardLabels } from '../../../i18n/useDiscardLabels';

/**
 * "Show this field when…": rules (field, operator, value) in groups of "all of" / "any of" / "none of",
 * nested as deep as the shared schema allows. Values are entered the way the field is (options to tick,
 * yes / no, money in 元, dates); an empty condition means the field is always shown.
 */
export function ConditionEditorDialog({
  subject,
  initial,
  fields,
  onApply,
  onClose,
}: {
  /** What is shown or hidden (the field's or the section's name). */
  subject: string;
  initial: Condition | null;
  /** The fields a rule may look at: the template's others. */
  fields: readonly FieldDef[];
  onApply: (condition: Condition | null) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const discardLabels = useDiscardLabels();
  const [root, setRoot] = useState<GroupNode>(() => fromCondition(initial));
  const [submitted, setSubmitted] = useState(false);
  const defs = new Map(fields.map((f) => [f.key, f]));
  const problems = conditionProblems(root, defs);
  const apply = () => {
    setSubmitted(true);
    if (Object.keys(problems).length === 0) onApply(toCondition(root));
  };
  const edit = (id: string, fn: (n: ConditionNode) => ConditionNode) => setRoot((r) => updateNode(r, id, fn));

  return (
    <Dialog
      title={t('designer.condition.title', { subject })}
      onClose={onClose}
      closeLabel={t('common.close')}
      discard={discardLabels}
      width={760}
      testId="condition-dialog"
    >
      <div
        className="tp-condeditor"
        onKeyDown={(e) => {
          if (e.key === 'Enter' && hasModKey(e)) {
            e.preventDefault();
            apply();
          }
        }}
      >
        <p className="tp-condeditor__intro">{t('designer.condition.intro')}</p>
        {fields.length === 0 ? <p className="tp-designer__note">{t('designer.condition.noFields')}</p> : null}
        <GroupView
          group={root}
          root={root}
          depth={0}
          defs={defs}
          fields={fields}
          problems={submitted ? problems : {}}
          edit={edit}
          remove={(id) => setRoot((r) => removeNode(r, id))}
        />
        <div className="tp-form__footer">
          <Button variant="ghost" onClick={() => onApply(null)} data-testid="condition-clear">
            {t('designer.condition.clear')}
          </Button>
          <div className="tp-form__actions">
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button variant="primary" onClick={apply} data-testid="condition-apply">
              {t('designer.condition.apply')}
            </Button>
          </div>
        </div>
      </div>
    </Dialog>
  );
}

function GroupView({
  group,
  root,
  depth,
  defs,
  fields,
  problems,
  edit,
  remove,
}: {
  group: GroupNode;
  root: GroupNode;
  depth: number;
  defs: ReadonlyMap<string, FieldDef>;
  fields: readonly FieldDef[];
  problems: Record<string, string>;
  edit: (id: string, fn: (n: ConditionNode) => ConditionNode) => void;
  remove: (id: string) => void;
}) {
  const { t } = useTranslation();
  const modes: GroupMode[] = ['all', 'any', 'none'];
  const add = (node: ConditionNode) =>
    edit(group.id, (g) => (g.kind === 'group' ? { ...g, items: [...g.items, node] } : g));
  return (
    <div
      className={depth === 0 ? 'tp-condgroup tp-condgroup--root' : 'tp-condgroup'}
      data-testid="condition-group"
      data-mode={group.mode}
    >
      <div className="tp-condgroup__head">
        <span>{t('designer.condition.showWhen')}</span>
        <select
          className="tp-input tp-select tp-input--sm tp-condgroup__mode"
          value={group.mode}
          aria-label={t('designer.condition.modeLabel')}
          onChange={(e) => edit(group.id, (g) => ({ ...g, mode: e.target.value as GroupMode }) as GroupNode)}
          data-testid="condition-mode"
        >
          {modes.map((m) => (
            <option key={m} value={m}>
              {t(`designer.condition.modes.${m}`)}
            </option>
          ))}
        </select>
        <span>{t('designer.condition.ofTheseRules')}</span>
        {depth > 0 ? (
          <button
            type="button"
            className="tp-iconbtn tp-condgroup__remove"
            aria-label={t('designer.condition.removeGroup')}
            title={t('designer.condition.removeGroup')}
            onClick={() => remove(group.id)}
            data-testid="condition-remove-group"
          >
            <Icon name="close" size={13} />
          </button>
        ) : null}
      </div>
      <div className="tp-condgroup__items">
        {group.items.length === 0 ? (
          <p className="tp-condgroup__empty">{t('designer.condition.empty')}</p>
        ) : null}
        {group.items.map((n) =>
          n.kind === 'group' ? (
            <GroupView
              key={n.id}
              group={n}
              root={root}
              depth={depth + 1}
              defs={defs}
              fields={fields}
              problems={problems}
              edit={edit}
              remove={remove}
            />
          ) : (
            <RuleView
              key={n.id}
              rule={n}
              defs={defs}
              fields={fields}
              problem={problems[n.id] ?? null}
              edit={edit}
              remove={remove}
            />
          ),
        )}
      </div>
      <div className="tp-condgroup__add">
        <Button
          size="sm"
          variant="ghost"
          icon="plus"
          onClick={() => add(newRule())}
          data-testid="condition-add-rule"
        >
          {t('designer.condition.addRule')}
        </Button>
        <Button
          size="sm"
          variant="ghost"
          icon="branch"
          disabled={!canNestIn(root, group.id)}
          title={canNestIn(root, group.id) ? undefined : t('designer.condition.tooDeep')}
          onClick={() => add({ ...emptyGroup('any'), items: [newRule()] })}
          data-testid="condition-add-group"
        >
          {t('designer.condition.addGroup')}
        </Button>
      </div>
    </div>
  );
}

function RuleView({
  rule,
  defs,
  fields,
  problem,
  edit,
  remove,
}: {
  rule: RuleNode;
  defs: ReadonlyMap<string, FieldDef>;
  fields: readonly FieldDef[];
  problem: string | null;
  edit: (id: string, fn: (n: ConditionNode) => ConditionNode) => void;
  remove: (id: string) => void;
}) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const def = defs.get(rule.field);
  const set = (fn: (r: RuleNode) => RuleNode) => edit(rule.id, (n) => (n.kind === 'rule' ? fn(n) : n));
  return (
    <div className="tp-condrule" data-testid="condition-rule" data-field={rule.field} data-op={rule.op}>
      <select
        className="tp-input tp-select tp-input--sm"
        value={rule.field}
        aria-label={t('designer.condition.field')}
        aria-invalid={problem === 'chooseField' || problem === 'unknownField' || undefined}
        onChange={(e) => set((r) => withField(r, e.target.value, defs.get(e.target.value)))}
        data-testid="condition-field"
      >
        <option value="">{t('designer.condition.chooseField')}</option>
        {rule.field && !def ? <option value={rule.field}>{rule.field}</option> : null}
        {fields.map((f) => (
          <option key={f.key} value={f.key}>
            {labelOf(f, locale)}
          </option>
        ))}
      </select>
      <select
        className="tp-input tp-select tp-input--sm"
        value={rule.op}
        aria-label={t('designer.condition.op')}
        onChange={(e) => set((r) => withOp(r, e.target.value as ConditionOp, def))}
        data-testid="condition-op"
      >
        {opsFor(def).map((op) => (
          <option key={op} value={op}>
            {t(`designer.condition.ops.${op}`)}
          </option>
        ))}
      </select>
      <div className="tp-condrule__value">
        {def && !VALUELESS_OPS.includes(rule.op) ? (
          <RuleValue
            key={`${rule.field}:${rule.op}`}
            def={def}
            rule={rule}
            invalid={problem === 'needValue'}
            onChange={(value) => set((r) => ({ ...r, value }))}
          />
        ) : null}
      </div>
      <button
        type="button"
        className="tp-iconbtn"
        aria-label={t('designer.condition.removeRule')}
        title={t('designer.condition.removeRule')}
        onClick={() => remove(rule.id)}
        data-testid="condition-remove-rule"
      >
        <Icon name="close" size={13} />
      </button>
      {problem ? (
        <p className="tp-condrule__error" role="alert">
          {t(`designer.condition.problems.${problem}`)}
        </p>
      ) : null}
    </div>
  );
}

/** A rule's value, typed like the field: options ticked, yes / no, money in 元, a date, a number, text. */
function RuleValue({
  def,
  rule,
  invalid,
  onChange,
}: {
  def: FieldDef;
  rule: RuleNode;
  invalid: boolean;
  onChange: (value: unknown) => void;
}) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const { optionLists } = useTemplateDefinitions();
  const list = LIST_OPS.includes(rule.op);
  if (def.type === 'select' || def.type === 'multiSelect') {
    const options = optionListOf(def, optionLists)?.values ?? [];
    if (list) {
      const chosen = Array.isArray(rule.value) ? (rule.value as string[]) : [];
      return (
        <div
          className="tp-attr__chips"
          role="group"
          aria-label={t('designer.condition.value')}
          aria-invalid={invalid || undefined}
          data-testid="condition-value"
        >
          {options.map((o) => {
            const on = chosen.includes(o.key);
            return (
              <button
                key={o.key}
                type="button"
                className={`tp-chip tp-optcolor--${o.color}${on ? ' tp-chip--on' : ''}`}
                aria-pressed={on}
                onClick={() => onChange(on ? chosen.filter((k) => k !== o.key) : [...chosen, o.key])}
                data-testid={`condition-value-${o.key}`}
              >
                <span className="tp-chip__dot" aria-hidden="true" />
                {labelOf(o, locale)}
              </button>
            );
          })}
        </div>
      );
    }
    return (
      <select
        className="tp-input tp-select tp-input--sm"
        value={typeof rule.value === 'string' ? rule.value : ''}
        aria-label={t('designer.condition.value')}
        aria-invalid={invalid || undefined}
        onChange={(e) => onChange(e.target.value || null)}
        data-testid="condition-value"
      >
        <option value="">{t('templates.choose')}</option>
        {options.map((o) => (
          <option key={o.key} value={o.key}>
            {labelOf(o, locale)}
          </option>
        ))}
      </select>
    );
  }
  if (def.type === 'boolean') {
    return (
      <select
        className="tp-input tp-select tp-input--sm"
        value={String(rule.value === true)}
        aria-label={t('designer.condition.value')}
        onChange={(e) => onChange(e.target.value === 'true')}
        data-testid="condition-value"
      >
        <option value="true">{t('templates.yes')}</option>
        <option value="false">{t('templates.no')}</option>
      </select>
    );
  }
  // Everything else is typed: one value, or several separated by commas for "is one of".
  const single = (v: unknown) => {
    const d = toDraft(def, v);
    return typeof d === 'string' ? d : v === null || v === undefined ? '' : String(v);
  };
  const text = list
    ? Array.isArray(rule.value)
      ? (rule.value as unknown[]).map(single).join(', ')
      : ''
    : single(rule.value);
  const parse = (s: string): unknown => {
    const parsed = fromDraft(def, s);
    return 'value' in parsed ? parsed.value : Number.NaN;
  };
  return (
    <input
      className="tp-input tp-input--sm"
      type={
        !list && def.type === 'date' ? 'date' : !list && def.type === 'datetime' ? 'datetime-local' : 'text'
      }
      inputMode={['number', 'money', 'percent', 'rating'].includes(def.type) ? 'decimal' : undefined}
      placeholder={
        list
          ? t('designer.condition.listPlaceholder')
          : def.type === 'money'
            ? t('designer.condition.moneyPlaceholder')
            : undefined
      }
      aria-label={t('designer.condition.value')}
      aria-invalid={invalid || undefined}
      defaultValue={text}
      onChange={(e) => {
        const raw = e.target.value;
        if (list)
          onChange(
            raw
              .split(/[,，、]/)
              .map((s) => s.trim())
              .filter(Boolean)
              .map(parse),
          );
        else onChange(raw.trim() === '' ? null : parse(raw));
      }}
      data-testid="condition-value"
    />
  );
}
