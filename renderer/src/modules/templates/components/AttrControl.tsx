import { useRef, useState, type KeyboardEvent } from 'react';
import type { UserItem } from '../../../../../shared/api/contract';
import type { FieldDef, OptionList } from '../../../../../shared/templates/schema';
import { currencySymbol } from '../../../i18n/format';
import type { Locale } from '../../../i18n/locale';
import { labelOf, offeredOptions, optionListOf, optionOf } from '../utils/attrFormat';
import type { ControlWords } from '../utils/controlWords';
import { moneyCurrency, ratingMax, type AttrDraft } from '../utils/attrValues';
import { citiesOf, joinRegion, PROVINCES, splitRegion } from '../utils/regions';

export type AttrControlProps = {
  def: FieldDef;
  /** The control's DOM id (the label's `for`, or the group's id). */
  id: string;
  /** `attr-<key>`: on the input, select or textarea, or on the group of a composite control. */
  testId: string;
  draft: AttrDraft;
  /** The record's stored value: an inactive option or a former colleague it holds stays offered. */
  held: unknown;
  optionLists: readonly OptionList[];
  users: readonly UserItem[];
  locale: Locale;
  invalid: boolean;
  /** Announced as `aria-required` (the label's star is only drawn). */
  required?: boolean;
  describedBy: string | undefined;
  /** The label's id, for controls that are groups (a `<label for>` cannot name them). */
  labelledBy: string;
  onChange: (draft: AttrDraft) => void;
  onBlur: () => void;
  /** The controls' words, translated once per form (see `controlWords`). */
  words: ControlWords;
};

const MONO: readonly FieldDef['type'][] = ['phone', 'email', 'url'];

/** One template field's control, by type (docs/templates.md "Value shapes"). */
export function AttrControl(p: AttrControlProps) {
  const { words, def, id, testId, draft, invalid, describedBy, onChange, onBlur } = p;
  const common = {
    id,
    'data-testid': testId,
    'aria-invalid': invalid || undefined,
    'aria-required': p.required || undefined,
    'aria-describedby': describedBy,
    onBlur,
  };
  const text = typeof draft === 'string' ? draft : '';
  switch (def.type) {
    case 'longText':
      return (
        <textarea
          className="tp-input tp-textarea tp-attr__textarea"
          rows={3}
          value={text}
          onChange={(e) => onChange(e.target.value)}
          {...common}
        />
      );
    case 'number':
    case 'percent':
    case 'money': {
      const affix =
        def.type === 'money'
          ? { side: 'prefix' as const, text: currencySymbol(moneyCurrency(def), p.locale) }
          : def.type === 'percent'
            ? { side: 'suffix' as const, text: '%' }
            : null;
      const input = (
        <input
          className="tp-input tp-num tp-attr__number"
          inputMode="decimal"
          autoComplete="off"
          value={text}
          onChange={(e) => onChange(e.target.value)}
          // The amount starts right after its symbol, however long ("¥", "US$", "CN¥").
          style={
            affix?.side === 'prefix' ? { paddingLeft: `calc(${affix.text.length}ch + 16px)` } : undefined
          }
          {...common}
        />
      );
      return affix ? (
        <span className={`tp-attr__affixed tp-attr__affixed--${affix.side}`}>
          <span className="tp-attr__affix" aria-hidden="true">
            {affix.text}
          </span>
          {input}
        </span>
      ) : (
        input
      );
    }
    case 'date':
      return (
        <input
          type="date"
          className="tp-input"
          value={text}
          onChange={(e) => onChange(e.target.value)}
          {...common}
        />
      );
    case 'datetime':
      return (
        <input
          type="datetime-local"
          className="tp-input"
          value={text}
          onChange={(e) => onChange(e.target.value)}
          {...common}
        />
      );
    case 'boolean':
      return <BooleanControl {...p} yes={words.yes} no={words.no} />;
    case 'select':
      return <SelectControl {...p} placeholder={words.choose} inactive={words.noLongerOffered} />;
    case 'multiSelect':
      return <MultiSelectControl {...p} />;
    case 'user':
      return <UserControl {...p} placeholder={words.choosePerson} />;
    case 'rating':
      return <RatingControl {...p} starLabel={(n) => words.stars[n - 1] ?? String(n)} />;
    case 'region':
      return <RegionControl {...p} labels={words.region} />;
    default:
      return (
        <input
          type={
            def.type === 'phone'
              ? 'tel'
              : def.type === 'email'
                ? 'email'
                : def.type === 'url'
                  ? 'url'
                  : 'text'
          }
          className={MONO.includes(def.type) ? 'tp-input tp-mono' : 'tp-input'}
          spellCheck={MONO.includes(def.type) ? false : undefined}
          autoComplete="off"
          value={text}
          onChange={(e) => onChange(e.target.value)}
          {...common}
        />
      );
  }
}

function BooleanControl(p: AttrControlProps & { yes: string; no: string }) {
  const choices = [
    { value: true, label: p.yes, suffix: 'yes' },
    { value: false, label: p.no, suffix: 'no' },
  ];
  return (
    <div
      className="tp-attr__segmented"
      role="radiogroup"
      id={p.id}
      data-testid={p.testId}
      data-value={p.draft === null ? '' : String(p.draft)}
      aria-required={p.required || undefined}
      aria-labelledby={p.labelledBy}
      aria-describedby={p.describedBy}
      aria-invalid={p.invalid || undefined}
    >
      {choices.map((c) => (
        <label
          key={c.suffix}
          className={p.draft === c.value ? 'tp-attr__segment tp-attr__segment--on' : 'tp-attr__segment'}
        >
          <input
            type="radio"
            name={p.id}
            checked={p.draft === c.value}
            onChange={() => p.onChange(c.value)}
            // A second click on the chosen answer takes it back ("not answered").
            onClick={() => {
              if (p.draft === c.value) p.onChange(null);
            }}
            onBlur={p.onBlur}
            data-testid={`${p.testId}-${c.suffix}`}
          />
          {c.label}
        </label>
      ))}
    </div>
  );
}

function SelectControl(p: AttrControlProps & { placeholder: string; inactive: string }) {
  const list = optionListOf(p.def, p.optionLists);
  const value = typeof p.draft === 'string' ? p.draft : '';
  const options = offeredOptions(list, p.held);
  // A value the list no longer offers (nor the record held) still shows, so nothing changes silently.
  const extra = value && !options.some((o) => o.key === value) ? [optionOf(list, value)] : [];
  const chosen = value ? optionOf(list, value) : null;
  return (
    <span className="tp-attr__select">
      {chosen ? <span className={`tp-attr__dot tp-optcolor--${chosen.color}`} aria-hidden="true" /> : null}
      <select
        className={chosen ? 'tp-input tp-select tp-attr__select--dotted' : 'tp-input tp-select'}
        id={p.id}
        data-testid={p.testId}
        aria-invalid={p.invalid || undefined}
        aria-required={p.required || undefined}
        aria-describedby={p.describedBy}
        value={value}
        onChange={(e) => p.onChange(e.target.value)}
        onBlur={p.onBlur}
      >
        <option value="">{p.placeholder}</option>
        {[...options, ...extra].map((o) => (
          <option key={o.key} value={o.key}>
            {o.active ? labelOf(o, p.locale) : `${labelOf(o, p.locale)}（${p.inactive}）`}
          </option>
        ))}
      </select>
    </span>
  );
}

function MultiSelectControl(p: AttrControlProps) {
  const list = optionListOf(p.def, p.optionLists);
  const chosen = Array.isArray(p.draft) ? (p.draft as readonly string[]) : [];
  const offered = offeredOptions(list, p.held);
  const extra = chosen.filter((k) => !offered.some((o) => o.key === k)).map((k) => optionOf(list, k));
  const order = (list?.values ?? []).map((v) => v.key);
  const toggle = (key: string) => {
    const next = chosen.includes(key) ? chosen.filter((k) => k !== key) : [...chosen, key];
    // Stored in the list's order, so two reps choosing the same options store the same value.
    next.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    p.onChange(next);
  };
  return (
    <div
      className="tp-attr__chips"
      role="group"
      id={p.id}
      data-testid={p.testId}
      data-value={chosen.join(',')}
      aria-labelledby={p.labelledBy}
      aria-describedby={p.describedBy}
      aria-invalid={p.invalid || undefined}
    >
      {[...offered, ...extra].map((o) => {
        const on = chosen.includes(o.key);
        return (
          <button
            key={o.key}
            type="button"
            className={`tp-chip tp-chip--dotted tp-optcolor--${o.color}${on ? ' tp-chip--on' : ''}${o.active ? '' : ' tp-chip--inactive'}`}
            aria-pressed={on}
            onClick={() => toggle(o.key)}
            onBlur={p.onBlur}
            data-testid={`${p.testId}-option-${o.key}`}
          >
            {labelOf(o, p.locale)}
          </button>
        );
      })}
      {offered.length + extra.length === 0 ? <span className="tp-muted">—</span> : null}
    </div>
  );
}

function UserControl(p: AttrControlProps & { placeholder: string }) {
  const value = typeof p.draft === 'string' ? p.draft : '';
  const people = p.users.filter((u) => u.active || u.id === p.held || u.id === value);
  const known = people.some((u) => u.id === value);
  return (
    <select
      className="tp-input tp-select"
      id={p.id}
      data-testid={p.testId}
      aria-invalid={p.invalid || undefined}
      aria-describedby={p.describedBy}
      value={value}
      onChange={(e) => p.onChange(e.target.value)}
      onBlur={p.onBlur}
    >
      <option value="">{p.placeholder}</option>
      {value && !known ? <option value={value}>{value.slice(0, 8)}…</option> : null}
      {[...people]
        .sort((a, b) => a.displayName.localeCompare(b.displayName, p.locale))
        .map((u) => (
          <option key={u.id} value={u.id}>
            {u.displayName}
          </option>
        ))}
    </select>
  );
}

/**
 * Stars as a radio group (WAI-ARIA): one tab stop, ←/→ (or ↑/↓) move and choose, Home/End jump,
 * Delete/Backspace/0 clear; a click on the chosen star clears it too.
 */
function RatingControl(p: AttrControlProps & { starLabel: (n: number) => string }) {
  const max = ratingMax(p.def);
  const value = typeof p.draft === 'number' ? p.draft : 0;
  const group = useRef<HTMLDivElement>(null);
  const choose = (n: number) => {
    const next = Math.max(0, Math.min(max, n));
    p.onChange(next === 0 ? null : next);
    const star = group.current?.querySelector<HTMLElement>(`[data-star="${Math.max(1, next)}"]`);
    star?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    const moves: Record<string, number> = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 };
    if (e.key in moves) choose(value + (moves[e.key] ?? 0));
    else if (e.key === 'Home') choose(1);
    else if (e.key === 'End') choose(max);
    else if (e.key === 'Delete' || e.key === 'Backspace' || e.key === '0') choose(0);
    else if (/^[1-9]$/.test(e.key) && Number(e.key) <= max) choose(Number(e.key));
    else return;
    e.preventDefault();
  };
  return (
    <div
      ref={group}
      className="tp-attr__rating"
      role="radiogroup"
      id={p.id}
      data-testid={p.testId}
      data-value={value || ''}
      aria-required={p.required || undefined}
      aria-labelledby={p.labelledBy}
      aria-describedby={p.describedBy}
      aria-invalid={p.invalid || undefined}
      onKeyDown={onKey}
    >
      {Array.from({ length: max }, (_, i) => i + 1).map((n) => (
        <button
          key={n}
          type="button"
          role="radio"
          aria-checked={value === n}
          aria-label={p.starLabel(n)}
          title={p.starLabel(n)}
          // One tab stop: the chosen star, or the first when none is.
          tabIndex={(value || 1) === n ? 0 : -1}
          className={n <= value ? 'tp-star tp-star--on' : 'tp-star'}
          data-star={n}
          data-testid={`${p.testId}-star-${n}`}
          onClick={() => choose(value === n ? 0 : n)}
          onBlur={p.onBlur}
        >
          {/* A glyph, not an SVG: four rating fields would otherwise add 20 SVGs to a form's first paint. */}
          ★
        </button>
      ))}
      {value > 0 ? (
        <span className="tp-attr__ratingtext">
          {value} / {max}
        </span>
      ) : null}
    </div>
  );
}

/**
 * Province, city and district with suggestions from the built-in list (free typing allowed); stored as
 * "province/city/district".
 */
function RegionControl(p: AttrControlProps & { labels: [string, string, string] }) {
  const [province, city, district] = splitRegion(typeof p.draft === 'string' ? p.draft : '');
  const set = (i: 0 | 1 | 2, v: string) => {
    const parts = [province, city, district];
    parts[i] = v;
    p.onChange(joinRegion(parts));
  };
  const cities = citiesOf(province);
  // Suggestions are built when a part is first focused: four region fields would otherwise put a few
  // hundred <option>s into the form's first paint.
  const [suggest, setSuggest] = useState(false);
  const parts = [
    { value: province, list: `${p.id}-provinces`, suggestions: PROVINCES, suffix: 'province' },
    { value: city, list: `${p.id}-cities`, suggestions: cities, suffix: 'city' },
    { value: district, list: null, suggestions: [], suffix: 'district' },
  ] as const;
  return (
    <div
      className="tp-attr__region"
      role="group"
      id={p.id}
      data-testid={p.testId}
      data-value={typeof p.draft === 'string' ? p.draft : ''}
      aria-labelledby={p.labelledBy}
      aria-describedby={p.describedBy}
    >
      {parts.map((part, i) => (
        <input
          key={part.suffix}
          className="tp-input"
          placeholder={p.labels[i]}
          aria-label={p.labels[i]}
          aria-invalid={p.invalid || undefined}
          list={part.list ?? undefined}
          autoComplete="off"
          value={part.value}
          onChange={(e) => set(i as 0 | 1 | 2, e.target.value)}
          onFocus={() => setSuggest(true)}
          onBlur={p.onBlur}
          data-testid={`${p.testId}-${part.suffix}`}
        />
      ))}
      {suggest
        ? parts.map((part) =>
            part.list ? (
              <datalist key={part.list} id={part.list}>
                {part.suggestions.map((s) => (
                  <option key={s} value={s} />
                ))}
              </datalist>
            ) : null,
          )
        : null}
    </div>
  );
}
