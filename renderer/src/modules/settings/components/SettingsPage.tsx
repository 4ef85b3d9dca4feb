import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { Option, SettingsRow, Stage } from '../../../../../shared/domain/settings';
import { MAX_EDIT_WINDOW_HOURS, STAGE_KINDS } from '../../../../../shared/domain/settings';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { useErrorText } from '../../../i18n/useErrorText';
import { Button, EmptyState, ErrorBanner, hasModKey, Icon, ShortcutHint, Skeleton } from '../../../ui';
import { PageHeader } from '../../shell/components/PageHeader';
import {
  moveItem,
  newOptionKey,
  savedKeys,
  settingsDraft,
  validateSettings,
  type SettingsDraft,
  type SettingsErrors,
  type SettingsList,
} from '../utils/settingsForm';

/**
 * An admin's parameter maintenance for the working day (SPEC §3): opportunity stages (labels in both
 * languages, win probability, open / won / lost, active, order), follow-up types, lost reasons and how
 * long an author may still edit a follow-up. Checked as you type with the shared `updateSettingsArgs`;
 * an entry is never removed (records use its key): it is deactivated.
 */
export function SettingsPage() {
  const { t } = useTranslation();
  const { role, row, load } = useAppStore(
    useShallow((s) => ({ role: s.session?.user.role, row: s.orgSettings, load: s.loadOrgSettings })),
  );
  useEffect(() => {
    void load();
  }, [load]);
  if (role !== 'admin') {
    return (
      <div className="tp-page tp-page--narrow" data-testid="settings-page">
        <PageHeader title={t('settings.title')} />
        <section className="tp-card">
          <EmptyState
            icon="lock"
            title={t('settings.adminOnly')}
            body={t('settings.adminOnlyBody')}
            testId="settings-forbidden"
          />
        </section>
      </div>
    );
  }
  if (!row) {
    return (
      <div className="tp-page tp-page--narrow" data-testid="settings-page" aria-busy="true">
        <PageHeader title={t('settings.title')} />
        <section className="tp-card tp-card__body">
          <Skeleton width="50%" />
          <Skeleton width="70%" />
        </section>
      </div>
    );
  }
  return <SettingsEditor row={row} />;
}

function SettingsEditor({ row }: { row: SettingsRow }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { load, showToast } = useAppStore(
    useShallow((s) => ({ load: s.loadOrgSettings, showToast: s.showToast })),
  );
  const [draft, setDraft] = useState<SettingsDraft>(() => settingsDraft(row));
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<AppErrorData | null>(null);
  const { errors, changed } = validateSettings(row, draft);
  // Problems show once the user touched the lists (a change) or tried to save.
  const shown: SettingsErrors = submitted || changed ? errors : {};

  const save = async () => {
    if (saving) return;
    setSubmitted(true);
    const result = validateSettings(row, draft);
    if (!result.input) return;
    setSaving(true);
    setServerError(null);
    try {
      await getApi().call('settings.update', result.input);
      await load();
      const next = useAppStore.getState().orgSettings;
      if (next) setDraft(settingsDraft(next));
      setSubmitted(false);
      showToast(t('settings.saved'));
    } catch (err) {
      setServerError(toAppErrorData(err));
    } finally {
      setSaving(false);
    }
  };

  const setList = <L extends SettingsList>(list: L, next: SettingsDraft[L]) =>
    setDraft((d) => ({ ...d, [list]: next }));

  return (
    <div
      className="tp-page tp-page--narrow tp-settings"
      data-testid="settings-page"
      onKeyDown={(e) => {
        if (e.key === 'Enter' && hasModKey(e)) {
          e.preventDefault();
          void save();
        }
      }}
    >
      <PageHeader
        title={t('settings.title')}
        subtitle={t('settings.subtitle')}
        actions={
          <>
            <Button
              onClick={() => setDraft(settingsDraft(row))}
              disabled={!changed || saving}
              data-testid="settings-reset"
            >
              {t('settings.reset')}
            </Button>
            <Button
              variant="primary"
              icon="check"
              busy={saving}
              onClick={() => void save()}
              disabled={!changed}
              data-testid="settings-save"
            >
              {t('common.save')}
            </Button>
          </>
        }
      />
      {serverError ? (
        <ErrorBanner message={errorText(serverError)} code={serverError.code} testId="settings-error" />
      ) : null}
      <p className="tp-settings__hint">
        <Icon name="lock" size={14} />
        {t('settings.keysHint')}
        <ShortcutHint keys={['Enter']} label={t('followUp.shortcut')} />
      </p>

      <ListCard
        title={t('settings.stages')}
        body={t('settings.stagesBody')}
        list="stages"
        testId="settings-stages"
        error={shown.stages}
        onAdd={() =>
          setList('stages', [
            ...draft.stages,
            {
              key: newOptionKey('', draft.stages, KEY_PREFIX.stages),
              labelZh: '',
              labelEn: '',
              probability: 50,
              kind: 'open',
              active: true,
            },
          ])
        }
        addLabel={t('settings.addStage')}
        addTestId="settings-add-stage"
      >
        <OptionTable
          list="stages"
          items={draft.stages}
          saved={savedKeys(row, 'stages')}
          errors={shown}
          onChange={(items) => setList('stages', items as Stage[])}
          stage
        />
      </ListCard>

      <ListCard
        title={t('settings.followUpTypes')}
        body={t('settings.followUpTypesBody')}
        list="followUpTypes"
        testId="settings-followup-types"
        error={shown.followUpTypes}
        onAdd={() =>
          setList('followUpTypes', [
            ...draft.followUpTypes,
            {
              key: newOptionKey('', draft.followUpTypes, KEY_PREFIX.followUpTypes),
              labelZh: '',
              labelEn: '',
              active: true,
            },
          ])
        }
        addLabel={t('settings.addFollowUpType')}
        addTestId="settings-add-followup-type"
      >
        <OptionTable
          list="followUpTypes"
          items={draft.followUpTypes}
          saved={savedKeys(row, 'followUpTypes')}
          errors={shown}
          onChange={(items) => setList('followUpTypes', items)}
        />
      </ListCard>

      <ListCard
        title={t('settings.lostReasons')}
        body={t('settings.lostReasonsBody')}
        list="lostReasons"
        testId="settings-lost-reasons"
        error={shown.lostReasons}
        onAdd={() =>
          setList('lostReasons', [
            ...draft.lostReasons,
            {
              key: newOptionKey('', draft.lostReasons, KEY_PREFIX.lostReasons),
              labelZh: '',
              labelEn: '',
              active: true,
            },
          ])
        }
        addLabel={t('settings.addLostReason')}
        addTestId="settings-add-lost-reason"
      >
        <OptionTable
          list="lostReasons"
          items={draft.lostReasons}
          saved={savedKeys(row, 'lostReasons')}
          errors={shown}
          onChange={(items) => setList('lostReasons', items)}
        />
      </ListCard>

      <section className="tp-card" data-testid="settings-edit-window-card">
        <header className="tp-card__header">
          <div>
            <h2 className="tp-card__title">{t('settings.editWindow')}</h2>
            <p className="tp-settings__cardbody">{t('settings.editWindowBody')}</p>
          </div>
        </header>
        <div className="tp-card__body tp-settings__window">
          <label className="tp-settings__hours">
            <input
              type="number"
              min={0}
              max={MAX_EDIT_WINDOW_HOURS}
              className="tp-input tp-num"
              data-testid="settings-edit-window"
              aria-invalid={shown.followUpEditWindowHours ? true : undefined}
              value={draft.followUpEditWindowHours}
              onChange={(e) => setDraft((d) => ({ ...d, followUpEditWindowHours: e.target.value }))}
            />
            <span>{t('settings.hours')}</span>
          </label>
          {shown.followUpEditWindowHours ? (
            <p className="tp-field__error" role="alert" data-testid="error-followUpEditWindowHours">
              {t(
                `validation.${shown.followUpEditWindowHours.key}`,
                shown.followUpEditWindowHours.params ?? {},
              )}
            </p>
          ) : (
            <p className="tp-field__hint">{t('settings.editWindowHint')}</p>
          )}
        </div>
      </section>
    </div>
  );
}

/** What a new entry's key starts with when its English label gives nothing to go by. */
const KEY_PREFIX: Record<SettingsList, string> = {
  stages: 'stage',
  followUpTypes: 'type',
  lostReasons: 'reason',
};

function ListCard({
  title,
  body,
  list,
  testId,
  error,
  onAdd,
  addLabel,
  addTestId,
  children,
}: {
  title: string;
  body: string;
  list: SettingsList;
  testId: string;
  error: SettingsErrors[string] | undefined;
  onAdd: () => void;
  addLabel: string;
  addTestId: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <section className="tp-card" data-testid={testId}>
      <header className="tp-card__header">
        <div>
          <h2 className="tp-card__title">{title}</h2>
          <p className="tp-settings__cardbody">{body}</p>
        </div>
        <Button size="sm" variant="ghost" icon="plus" onClick={onAdd} data-testid={addTestId}>
          {addLabel}
        </Button>
      </header>
      {error ? (
        <p className="tp-settings__listerror" role="alert" data-testid={`error-${list}`}>
          <Icon name="alert" size={14} />
          {t(`validation.${error.key}`, error.params ?? {})}
        </p>
      ) : null}
      {children}
    </section>
  );
}

function OptionTable({
  list,
  items,
  saved,
  errors,
  onChange,
  stage = false,
}: {
  list: SettingsList;
  items: readonly (Option | Stage)[];
  saved: ReadonlySet<string>;
  errors: SettingsErrors;
  onChange: (items: (Option | Stage)[]) => void;
  stage?: boolean;
}) {
  const { t } = useTranslation();
  const update = (index: number, patch: Partial<Stage>) =>
    onChange(items.map((item, i) => (i === index ? ({ ...item, ...patch } as Option | Stage) : item)));
  const cellError = (index: number, leaf: string) => errors[`${list}.${index}.${leaf}`];
  const text = (index: number, leaf: string) => {
    const e = cellError(index, leaf);
    return e ? t(`validation.${e.key}`, e.params ?? {}) : null;
  };
  return (
    <div className={stage ? 'tp-opttable tp-opttable--stages' : 'tp-opttable'} role="table">
      <div className="tp-opttable__row tp-opttable__row--head" role="row">
        <span role="columnheader">{t('settings.order')}</span>
        <span role="columnheader">{t('settings.key')}</span>
        <span role="columnheader">{t('settings.labelZh')}</span>
        <span role="columnheader">{t('settings.labelEn')}</span>
        {stage ? <span role="columnheader">{t('settings.probability')}</span> : null}
        {stage ? <span role="columnheader">{t('settings.kind')}</span> : null}
        <span role="columnheader">{t('settings.active')}</span>
      </div>
      {items.map((item, index) => {
        const isSaved = saved.has(item.key);
        const labelOf = (leaf: string) => `${item.labelZh || item.key} · ${t(`settings.${leaf}`)}`;
        return (
          <div
            key={isSaved ? item.key : `new-${index}`}
            className={`tp-opttable__row${item.active ? '' : ' tp-opttable__row--inactive'}`}
            role="row"
            data-testid={stage ? 'settings-stage-row' : 'settings-option-row'}
            data-key={item.key}
            data-active={String(item.active)}
          >
            <span className="tp-opttable__order" role="cell">
              <button
                type="button"
                className="tp-iconbtn"
                aria-label={t('settings.moveUp')}
                title={t('settings.moveUp')}
                disabled={index === 0}
                onClick={() => onChange(moveItem(items, index, -1))}
                data-testid="settings-move-up"
              >
                <Icon name="arrowUp" size={13} />
              </button>
              <button
                type="button"
                className="tp-iconbtn"
                aria-label={t('settings.moveDown')}
                title={t('settings.moveDown')}
                disabled={index === items.length - 1}
                onClick={() => onChange(moveItem(items, index, 1))}
                data-testid="settings-move-down"
              >
                <Icon name="arrowDown" size={13} />
              </button>
            </span>
            <Cell error={text(index, 'key')}>
              <input
                className="tp-input tp-mono tp-input--sm"
                value={item.key}
                readOnly={isSaved}
                aria-label={labelOf('key')}
                title={isSaved ? t('settings.keyFixed') : undefined}
                aria-invalid={cellError(index, 'key') ? true : undefined}
                onChange={(e) => update(index, { key: e.target.value })}
                data-testid="settings-field-key"
              />
            </Cell>
            <Cell error={text(index, 'labelZh')}>
              <input
                className="tp-input tp-input--sm"
                value={item.labelZh}
                lang="zh-CN"
                aria-label={labelOf('labelZh')}
                aria-invalid={cellError(index, 'labelZh') ? true : undefined}
                onChange={(e) => update(index, { labelZh: e.target.value })}
                data-testid="settings-field-labelZh"
              />
            </Cell>
            <Cell error={text(index, 'labelEn')}>
              <input
                className="tp-input tp-input--sm"
                value={item.labelEn}
                lang="en"
                aria-label={labelOf('labelEn')}
                aria-invalid={cellError(index, 'labelEn') ? true : undefined}
                onChange={(e) => {
                  const labelEn = e.target.value;
                  const others = items.filter((_, i) => i !== index);
                  // A new entry's key follows its English label until the user types a key of their own.
                  const follow =
                    !isSaved && item.key === newOptionKey(item.labelEn, others, KEY_PREFIX[list]);
                  update(
                    index,
                    follow ? { labelEn, key: newOptionKey(labelEn, others, KEY_PREFIX[list]) } : { labelEn },
                  );
                }}
                data-testid="settings-field-labelEn"
              />
            </Cell>
            {stage && 'probability' in item ? (
              <Cell error={text(index, 'probability')}>
                <input
                  type="number"
                  min={0}
                  max={100}
                  className="tp-input tp-num tp-input--sm"
                  value={Number.isFinite(item.probability) ? item.probability : ''}
                  aria-label={labelOf('probability')}
                  aria-invalid={cellError(index, 'probability') ? true : undefined}
                  onChange={(e) =>
                    update(index, {
                      probability: e.target.value === '' ? Number.NaN : Number(e.target.value),
                    })
                  }
                  data-testid="settings-field-probability"
                />
              </Cell>
            ) : null}
            {stage && 'kind' in item ? (
              <Cell error={null}>
                <select
                  className="tp-input tp-select tp-input--sm"
                  value={item.kind}
                  aria-label={labelOf('kind')}
                  onChange={(e) => update(index, { kind: e.target.value as Stage['kind'] })}
                  data-testid="settings-field-kind"
                >
                  {STAGE_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {t(`settings.kinds.${k}`)}
                    </option>
                  ))}
                </select>
              </Cell>
            ) : null}
            <span className="tp-opttable__active" role="cell">
              <label className="tp-switch">
                <input
                  type="checkbox"
                  checked={item.active}
                  aria-label={labelOf('active')}
                  onChange={(e) => update(index, { active: e.target.checked })}
                  data-testid="settings-field-active"
                />
                <span>{item.active ? t('settings.on') : t('settings.off')}</span>
              </label>
            </span>
          </div>
        );
      })}
    </div>
  );
}

function Cell({ error, children }: { error: string | null; children: ReactNode }) {
  return (
    <span className="tp-opttable__cell" role="cell">
      {children}
      {error ? <span className="tp-opttable__error">{error}</span> : null}
    </span>
  );
}
