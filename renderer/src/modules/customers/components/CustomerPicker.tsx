import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { CustomerListItem } from '../../../../../shared/api/contract';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { formatRelativeTime } from '../../../i18n/format';
import { useErrorText } from '../../../i18n/useErrorText';
import { Icon, ShortcutHint, Spinner } from '../../../ui';
import { useNow } from '../../shell/hooks/useNow';
import { useDebouncedValue } from '../hooks/useDebouncedValue';
import { matchParts, moveActive, pickerRequest } from '../utils/customerPicker';
import { CompanyMark, LevelBadge } from './CustomerBadges';

/** Typing pauses this long before the core is asked: every keystroke of a name would be wasted work. */
const SEARCH_DEBOUNCE_MS = 120;

/**
 * Finds a customer of the private sea from the keyboard: type any part of the name, short name or phone
 * (Chinese included), ↑/↓ to move, Enter to choose; the mouse works too. An Enter that confirms an input
 * method's composition (pinyin → 汉字) is the IME's, not a choice.
 */
export function CustomerPicker({
  onPick,
  testIdPrefix,
}: {
  onPick: (customer: CustomerListItem) => void;
  /** `<prefix>-search`, `<prefix>-result` (`data-id`, `aria-selected`), `<prefix>-empty`. */
  testIdPrefix: string;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { locale, dataVersion } = useAppStore(
    useShallow((s) => ({ locale: s.locale, dataVersion: s.dataVersion })),
  );
  const now = useNow(60_000);
  const listId = useId();
  const [text, setText] = useState('');
  const query = useDebouncedValue(text, SEARCH_DEBOUNCE_MS).trim();
  const [rows, setRows] = useState<CustomerListItem[] | null>(null);
  const [answered, setAnswered] = useState<string | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [active, setActive] = useState(0);
  /** Enter pressed while the answer for the latest keystroke was on its way: pick its first row on arrival. */
  const pickOnAnswer = useRef(false);
  const latestText = useRef('');
  const onPickRef = useRef(onPick);
  useEffect(() => {
    latestText.current = text;
    onPickRef.current = onPick;
  });

  useEffect(() => {
    let live = true;
    getApi()
      .call('customers.list', pickerRequest(query))
      .then(
        (r) => {
          if (!live) return;
          setRows(r.rows);
          setAnswered(query);
          setError(null);
          setActive(r.rows.length > 0 ? 0 : -1);
          const first = r.rows[0];
          if (pickOnAnswer.current && query === latestText.current.trim()) {
            pickOnAnswer.current = false;
            if (first) onPickRef.current(first);
          }
        },
        (err: unknown) => live && setError(toAppErrorData(err)),
      );
    return () => {
      live = false;
    };
  }, [query, dataVersion]);

  const searching = text.trim() !== (answered ?? '') || rows === null;
  const shown = rows ?? [];

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.nativeEvent.isComposing || e.keyCode === 229) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => moveActive(a, e.key === 'ArrowDown' ? 1 : -1, shown.length));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      // Enter before the answer for the latest keystroke arrived would pick from a stale list: a fast
      // typist's Enter waits for that answer and takes its first row instead of being lost.
      if (searching) {
        pickOnAnswer.current = true;
        return;
      }
      const row = shown[active];
      if (row) onPick(row);
    }
  };

  const activeRow = shown[active];
  return (
    <div className="tp-custpicker">
      <label className="tp-custpicker__search">
        <Icon name="search" size={17} />
        <input
          type="text"
          className="tp-custpicker__input"
          data-testid={`${testIdPrefix}-search`}
          placeholder={t('quickLog.search')}
          aria-label={t('quickLog.searchLabel')}
          role="combobox"
          aria-expanded={shown.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={activeRow ? `${listId}-${activeRow.id}` : undefined}
          autoComplete="off"
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          data-autofocus
        />
        {searching && rows !== null ? <Spinner size={14} /> : null}
      </label>
      <div className="tp-custpicker__caption">{t(query ? 'quickLog.results' : 'quickLog.recent')}</div>
      {error ? (
        <div className="tp-picker__empty tp-danger-text">
          {t('errors.withField', { field: t('quickLog.loadError'), message: errorText(error) })}
        </div>
      ) : rows === null ? (
        <div className="tp-picker__empty">
          <Spinner size={14} />
        </div>
      ) : shown.length === 0 ? (
        <div className="tp-picker__empty" data-testid={`${testIdPrefix}-empty`}>
          {query ? t('quickLog.noMatch', { query }) : t('customers.empty')}
        </div>
      ) : (
        <ul className="tp-custpicker__list" id={listId} role="listbox" aria-label={t('quickLog.searchLabel')}>
          {shown.map((c, i) => (
            <li
              key={c.id}
              id={`${listId}-${c.id}`}
              role="option"
              aria-selected={i === active}
              className={
                i === active ? 'tp-custpicker__row tp-custpicker__row--active' : 'tp-custpicker__row'
              }
              data-testid={`${testIdPrefix}-result`}
              data-id={c.id}
              onMouseMove={() => i !== active && setActive(i)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => onPick(c)}
            >
              <CompanyMark name={c.shortName ?? c.name} size={30} />
              <div className="tp-custpicker__text">
                <div className="tp-custpicker__name">
                  {matchParts(c.name, query, locale).map((p, k) =>
                    p.match ? <mark key={k}>{p.text}</mark> : <span key={k}>{p.text}</span>,
                  )}
                </div>
                <div className="tp-custpicker__meta">
                  {[c.shortName, c.region, c.industry].filter(Boolean).join(' · ')}
                  {c.phone ? <span className="tp-mono">{c.phone}</span> : null}
                </div>
              </div>
              <div className="tp-custpicker__side">
                <LevelBadge level={c.level} compact />
                <span className="tp-custpicker__when">
                  {c.lastFollowUpAt ? formatRelativeTime(c.lastFollowUpAt, now, locale) : '—'}
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
      <div className="tp-custpicker__keys">
        <ShortcutHint mod={false} keys={['↑', '↓']} label={t('quickLog.moveHint')} />
        <ShortcutHint mod={false} keys={['Enter']} label={t('quickLog.pickHint')} />
        <ShortcutHint mod={false} keys={['Esc']} label={t('common.close')} />
      </div>
    </div>
  );
}
