import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { UserItem } from '../../../../../shared/api/contract';
import { CUSTOMER_LEVELS } from '../../../../../shared/domain/levels';
import type { AppErrorData } from '../../../../../shared/errors';
import {
  ASSIGN_STRATEGIES,
  RECYCLE_RULE_KINDS,
  type RecycleRuleKind,
} from '../../../../../shared/pools/rules';
import { POOL_KINDS, type PoolRow } from '../../../../../shared/pools/schema';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { useErrorText } from '../../../i18n/useErrorText';
import { Badge, Button, FormField, hasModKey, Icon } from '../../../ui';
import { AdminErrorBanner } from '../../designer/components/AdminErrorBanner';
import { useOrgSettings } from '../../settings/hooks/useOrgSettings';
import {
  newRuleDraft,
  nextRuleKind,
  poolDraft,
  poolDraftChanged,
  isPoolFieldPath,
  poolErrorPath,
  validatePoolDraft,
  type PoolDraft,
  type RecycleRuleDraft,
} from '../utils/poolForm';
import { keepOrgAdminFields } from '../utils/poolAccess';
import { poolName } from '../utils/poolLabel';
import { poolAdminCandidates, teamLabelParts, teamsFromUsers, type TeamView } from '../utils/poolTeams';

/**
 * One pool's editor (admins): names, what it holds, the teams it serves and its admins, default and
 * active; the recycle rules (several, combined with any / all, thresholds per level, exemptions, the
 * warning days); the claim rules; the assignment strategy for reactivated customers. Checked as you
 * type with the shared `savePoolRequest`, saved on the server (`admin.pools.save`, online only); a
 * refusal naming a field shows under it. For a pool's own admin (a manager) what it holds, the teams,
 * the admins, default and active are read-only and go back as stored.
 */
export function PoolEditor({
  row,
  orgFieldsLocked = false,
  users,
  onSaved,
  onDirtyChange,
  onPreview,
}: {
  /** Null: a new pool. */
  row: PoolRow | null;
  /** A pool admin's editor: only an org admin changes which pools exist and whom they serve. */
  orgFieldsLocked?: boolean;
  users: readonly UserItem[] | null;
  onSaved: (id: string) => void;
  onDirtyChange: (dirty: boolean) => void;
  /** Asks for a dry run of this (saved) pool. */
  onPreview: (poolId: string) => void;
}) {
  const { t } = useTranslation();
  const { locale, showToast, loadPools } = useAppStore(
    useShallow((s) => ({ locale: s.locale, showToast: s.showToast, loadPools: s.loadPools })),
  );
  const settings = useOrgSettings();
  const errorText = useErrorText();
  const start = useMemo(() => poolDraft(row), [row]);
  const [draft, setDraft] = useState<PoolDraft>(start);
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<AppErrorData | null>(null);
  const changed = poolDraftChanged(draft, start);
  const { errors } = validatePoolDraft(draft);
  // Problems show once the admin changed something or tried to save, as on the Settings screen.
  const shown = submitted || changed ? errors : {};
  const serverPath = poolErrorPath(serverError?.field);
  const errorAt = (path: string): string | null => {
    const p = shown[path];
    if (p) return t(`validation.${p.key}`, p.params ?? {});
    if (serverError && serverPath === path) return errorText({ ...serverError, field: undefined });
    return null;
  };

  useEffect(() => {
    onDirtyChange(changed);
  }, [changed, onDirtyChange]);

  const set = (patch: Partial<PoolDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    if (serverError) setServerError(null);
  };
  const setRule = (index: number, patch: Partial<RecycleRuleDraft>) =>
    set({ rules: draft.rules.map((r, i) => (i === index ? { ...r, ...patch } : r)) });

  const save = async () => {
    if (saving) return;
    setSubmitted(true);
    const result = validatePoolDraft(draft);
    if (!result.input) {
      const first = Object.keys(result.errors)[0];
      if (first) document.querySelector<HTMLElement>(`[data-path="${first}"]`)?.focus();
      return;
    }
    setSaving(true);
    setServerError(null);
    try {
      const input = orgFieldsLocked && row ? keepOrgAdminFields(result.input, row) : result.input;
      const { id } = await getApi().call('admin.pools.save', input);
      await loadPools();
      setSubmitted(false);
      showToast(t('pools.saved', { name: poolName(result.input, locale) }));
      onSaved(id);
    } catch (err) {
      setServerError(toAppErrorData(err));
    } finally {
      setSaving(false);
    }
  };

  const teams = useMemo(() => (users ? teamsFromUsers(users, locale) : []), [users, locale]);
  // A team the pool serves that nobody belongs to any more still shows, ticked, so it can be removed.
  const orphanTeams = draft.teamIds.filter((id) => !teams.some((tm) => tm.id === id));
  const admins = useMemo(() => (users ? poolAdminCandidates(users, locale) : []), [users, locale]);
  const openStages = settings.stages.filter(
    (s) => s.kind === 'open' && (s.active || s.key === draft.exemptFromStage),
  );
  const stageLabel = (s: { labelZh: string; labelEn: string }) => (locale === 'en' ? s.labelEn : s.labelZh);
  const toggle = (list: readonly string[], id: string, on: boolean) =>
    on ? [...new Set([...list, id])] : list.filter((x) => x !== id);

  const title = row ? poolName(row, locale) : t('pools.newTitle');
  // A refusal naming a field this form shows goes under it; anything else heads the editor.
  const bannerError = serverError && !isPoolFieldPath(serverPath);

  return (
    <div
      className="tp-pooleditor"
      data-testid="pool-editor"
      data-id={row?.id}
      data-dirty={changed || undefined}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && hasModKey(e)) {
          e.preventDefault();
          void save();
        }
      }}
    >
      <section className="tp-card tp-pooleditor__head">
        <div className="tp-pooleditor__title">
          <h2 className="tp-card__title" data-testid="pool-editor-title">
            {title}
          </h2>
          {row?.isDefault ? <Badge tone="brand">{t('pools.default')}</Badge> : null}
          {row && !row.active ? <Badge tone="neutral">{t('pools.inactive')}</Badge> : null}
        </div>
        <div className="tp-pooleditor__actions">
          {row ? (
            <Button
              variant="ghost"
              icon="eye"
              onClick={() => onPreview(row.id)}
              data-testid="pools-preview-this"
              title={changed ? t('pools.previewStale') : undefined}
            >
              {t('pools.previewThis')}
            </Button>
          ) : null}
          <Button
            onClick={() => {
              setDraft(start);
              setSubmitted(false);
              setServerError(null);
            }}
            disabled={!changed || saving}
            data-testid="pools-discard"
          >
            {t('pools.discard')}
          </Button>
          <Button
            variant="primary"
            icon="check"
            busy={saving}
            disabled={!changed && row !== null}
            onClick={() => void save()}
            data-testid="pools-save"
          >
            {t('common.save')}
          </Button>
        </div>
      </section>

      {bannerError ? (
        <AdminErrorBanner
          error={serverError}
          testId="pools-error"
          offlineBody={t('pools.offlineBody')}
          forbiddenText={t('pools.forbidden')}
        />
      ) : null}

      <Card title={t('pools.basics')} testId="pool-basics">
        <div className="tp-pooleditor__grid">
          <FormField name="nameZh" id="pool-nameZh" label={t('pools.nameZh')} error={errorAt('nameZh')}>
            {(c) => (
              <input
                className="tp-input"
                lang="zh-CN"
                value={draft.nameZh}
                placeholder={t('pools.nameZhPlaceholder')}
                onChange={(e) => set({ nameZh: e.target.value })}
                data-testid="pool-field-nameZh"
                data-path="nameZh"
                {...c}
              />
            )}
          </FormField>
          <FormField name="nameEn" id="pool-nameEn" label={t('pools.nameEn')} error={errorAt('nameEn')}>
            {(c) => (
              <input
                className="tp-input"
                lang="en"
                value={draft.nameEn}
                placeholder={t('pools.nameEnPlaceholder')}
                onChange={(e) => set({ nameEn: e.target.value })}
                data-testid="pool-field-nameEn"
                data-path="nameEn"
                {...c}
              />
            )}
          </FormField>
          <FormField
            name="kind"
            id="pool-kind"
            label={t('pools.kind')}
            error={errorAt('kind')}
            hint={row ? t('pools.kindFixed') : undefined}
          >
            {(c) => (
              <select
                className="tp-input tp-select"
                value={draft.kind}
                disabled={row !== null}
                onChange={(e) => set({ kind: e.target.value as PoolDraft['kind'] })}
                data-testid="pool-field-kind"
                data-path="kind"
                {...c}
              >
                {POOL_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`pools.kindOne.${k}`)}
                  </option>
                ))}
              </select>
            )}
          </FormField>
        </div>
        <div className="tp-pooleditor__switches">
          <Switch
            checked={draft.active}
            onChange={(active) => set({ active })}
            label={t('pools.active')}
            hint={t('pools.activeHint')}
            disabled={orgFieldsLocked}
            testId="pool-field-active"
          />
          <Switch
            checked={draft.isDefault}
            onChange={(isDefault) => set({ isDefault })}
            label={t('pools.isDefault')}
            hint={t('pools.isDefaultHint')}
            disabled={orgFieldsLocked}
            testId="pool-field-isDefault"
          />
        </div>
        {orgFieldsLocked ? <OrgAdminOnly /> : null}
        <fieldset className="tp-pooleditor__set" data-testid="pool-teams">
          <legend className="tp-field__label">{t('pools.teams')}</legend>
          <p className="tp-field__hint">{t('pools.teamsHint')}</p>
          {teams.length === 0 && orphanTeams.length === 0 ? (
            <p className="tp-muted">{t('pools.noUsers')}</p>
          ) : (
            <div className="tp-pooleditor__checks">
              {teams.map((team) => (
                <label
                  key={team.id}
                  className="tp-pooleditor__check"
                  data-testid="pool-team"
                  data-id={team.id}
                >
                  <input
                    type="checkbox"
                    disabled={orgFieldsLocked}
                    checked={draft.teamIds.includes(team.id)}
                    onChange={(e) => set({ teamIds: toggle(draft.teamIds, team.id, e.target.checked) })}
                    data-testid="pool-field-team"
                  />
                  <TeamLabel team={team} />
                </label>
              ))}
              {orphanTeams.map((id) => (
                <label key={id} className="tp-pooleditor__check" data-testid="pool-team" data-id={id}>
                  <input
                    type="checkbox"
                    checked
                    disabled={orgFieldsLocked}
                    onChange={() => set({ teamIds: toggle(draft.teamIds, id, false) })}
                    data-testid="pool-field-team"
                  />
                  <span className="tp-muted">{t('pools.unknownTeam')}</span>
                </label>
              ))}
            </div>
          )}
          {orgFieldsLocked ? <OrgAdminOnly /> : null}
          {errorAt('teamIds') ? (
            <p className="tp-field__error" role="alert" data-testid="error-teamIds">
              {errorAt('teamIds')}
            </p>
          ) : null}
        </fieldset>
        <fieldset className="tp-pooleditor__set" data-testid="pool-admins">
          <legend className="tp-field__label">{t('pools.admins')}</legend>
          <p className="tp-field__hint">{t('pools.adminsHint')}</p>
          {admins.length === 0 ? (
            <p className="tp-muted">{t('pools.noManagers')}</p>
          ) : (
            <div className="tp-pooleditor__checks">
              {admins.map((u) => (
                <label key={u.id} className="tp-pooleditor__check" data-id={u.id}>
                  <input
                    type="checkbox"
                    disabled={orgFieldsLocked}
                    checked={draft.adminIds.includes(u.id)}
                    onChange={(e) => set({ adminIds: toggle(draft.adminIds, u.id, e.target.checked) })}
                    data-testid="pool-field-admin"
                  />
                  <span>{u.displayName}</span>
                </label>
              ))}
            </div>
          )}
          {orgFieldsLocked ? <OrgAdminOnly /> : null}
        </fieldset>
      </Card>

      <Card title={t('pools.recycle')} body={t('pools.recycleBody')} testId="pool-recycle">
        <div className="tp-pooleditor__row">
          <span className="tp-field__label">{t('pools.combine')}</span>
          <div className="tp-segmented" role="radiogroup" aria-label={t('pools.combine')}>
            {(['any', 'all'] as const).map((c) => (
              <button
                key={c}
                type="button"
                role="radio"
                aria-checked={draft.combine === c}
                className={
                  draft.combine === c ? 'tp-segmented__item tp-segmented__item--on' : 'tp-segmented__item'
                }
                onClick={() => set({ combine: c })}
                data-testid={`pool-field-combine-${c}`}
              >
                {t(c === 'any' ? 'pools.combineAny' : 'pools.combineAll')}
              </button>
            ))}
          </div>
        </div>
        {draft.rules.length === 0 ? (
          <p className="tp-pooleditor__none" data-testid="pool-no-rules">
            {t('pools.noRules')}
          </p>
        ) : (
          <ol className="tp-rules">
            {draft.rules.map((rule, i) => (
              <RuleRow
                key={rule.uid}
                index={i}
                rule={rule}
                errorAt={errorAt}
                onChange={(patch) => setRule(i, patch)}
                onRemove={() => set({ rules: draft.rules.filter((_, j) => j !== i) })}
              />
            ))}
          </ol>
        )}
        {errorAt('recycle.rules') ? (
          <p className="tp-field__error" role="alert" data-testid="error-recycle.rules">
            {errorAt('recycle.rules')}
          </p>
        ) : null}
        <div>
          <Button
            size="sm"
            variant="ghost"
            icon="plus"
            onClick={() => set({ rules: [...draft.rules, newRuleDraft(nextRuleKind(draft.rules))] })}
            data-testid="pool-rule-add"
          >
            {t('pools.addRule')}
          </Button>
        </div>
        <div className="tp-pooleditor__sub">
          <h3 className="tp-pooleditor__subtitle">{t('pools.exemptions')}</h3>
          <div className="tp-pooleditor__exemptions">
            <label className="tp-switch">
              <input
                type="checkbox"
                checked={draft.exemptHasBought}
                onChange={(e) => set({ exemptHasBought: e.target.checked })}
                data-testid="pool-field-exemptHasBought"
              />
              <span>{t('pools.exemptHasBought')}</span>
            </label>
            <label className="tp-switch">
              <input
                type="checkbox"
                checked={draft.exemptLocked}
                onChange={(e) => set({ exemptLocked: e.target.checked })}
                data-testid="pool-field-exemptLocked"
              />
              <span>{t('pools.exemptLocked')}</span>
            </label>
            <label className="tp-pooleditor__inline">
              <span>{t('pools.exemptStage')}</span>
              <select
                className="tp-input tp-select tp-input--sm"
                value={draft.exemptFromStage}
                onChange={(e) => set({ exemptFromStage: e.target.value })}
                data-testid="pool-field-exemptFromStage"
                data-path="recycle.exemptions.openOpportunityFromStage"
              >
                <option value="">{t('pools.exemptStageOff')}</option>
                {openStages.map((s) => (
                  <option key={s.key} value={s.key}>
                    {stageLabel(s)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {errorAt('recycle.exemptions.openOpportunityFromStage') ? (
            <p
              className="tp-field__error"
              role="alert"
              data-testid="error-recycle.exemptions.openOpportunityFromStage"
            >
              {errorAt('recycle.exemptions.openOpportunityFromStage')}
            </p>
          ) : null}
        </div>
        <div className="tp-pooleditor__grid tp-pooleditor__grid--narrow">
          <NumberField
            path="recycle.warnDays"
            testId="pool-field-warnDays"
            label={t('pools.warnDays')}
            unit={t('pools.daysUnit')}
            hint={t('pools.warnDaysHint')}
            value={draft.warnDays}
            error={errorAt('recycle.warnDays')}
            onChange={(warnDays) => set({ warnDays })}
          />
        </div>
      </Card>

      <Card title={t('pools.claim')} body={t('pools.claimBody')} testId="pool-claim">
        <div className="tp-pooleditor__grid">
          <NumberField
            path="claim.maxPerUser"
            testId="pool-field-maxPerUser"
            label={t('pools.maxPerUser')}
            unit={t('pools.customersUnit')}
            placeholder={t('pools.unlimited')}
            value={draft.maxPerUser}
            error={errorAt('claim.maxPerUser')}
            onChange={(maxPerUser) => set({ maxPerUser })}
          />
          <NumberField
            path="claim.maxPerTeam"
            testId="pool-field-maxPerTeam"
            label={t('pools.maxPerTeam')}
            unit={t('pools.customersUnit')}
            placeholder={t('pools.unlimited')}
            value={draft.maxPerTeam}
            error={errorAt('claim.maxPerTeam')}
            onChange={(maxPerTeam) => set({ maxPerTeam })}
          />
          <FormField
            name="claim.counts"
            id="pool-counts"
            label={t('pools.counts')}
            error={errorAt('claim.counts')}
          >
            {(c) => (
              <select
                className="tp-input tp-select"
                value={draft.counts}
                onChange={(e) => set({ counts: e.target.value as PoolDraft['counts'] })}
                data-testid="pool-field-counts"
                data-path="claim.counts"
                {...c}
              >
                <option value="all">{t('pools.countsAll')}</option>
                <option value="notBought">{t('pools.countsNotBought')}</option>
              </select>
            )}
          </FormField>
          <NumberField
            path="claim.maxClaimsPerDay"
            testId="pool-field-maxClaimsPerDay"
            label={t('pools.maxClaimsPerDay')}
            unit={t('pools.claimsUnit')}
            placeholder={t('pools.unlimited')}
            value={draft.maxClaimsPerDay}
            error={errorAt('claim.maxClaimsPerDay')}
            onChange={(maxClaimsPerDay) => set({ maxClaimsPerDay })}
          />
          <NumberField
            path="claim.reclaimCooldownDays"
            testId="pool-field-reclaimCooldownDays"
            label={t('pools.reclaimCooldownDays')}
            unit={t('pools.daysUnit')}
            value={draft.reclaimCooldownDays}
            error={errorAt('claim.reclaimCooldownDays')}
            onChange={(reclaimCooldownDays) => set({ reclaimCooldownDays })}
          />
          <NumberField
            path="claim.protectNewDays"
            testId="pool-field-protectNewDays"
            label={t('pools.protectNewDays')}
            unit={t('pools.daysUnit')}
            hint={t('pools.protectHint')}
            value={draft.protectNewDays}
            error={errorAt('claim.protectNewDays')}
            onChange={(protectNewDays) => set({ protectNewDays })}
          />
        </div>
      </Card>

      <Card title={t('pools.assign')} body={t('pools.assignBody')} testId="pool-assign">
        <div className="tp-pooleditor__strategies" role="radiogroup" aria-label={t('pools.assign')}>
          {ASSIGN_STRATEGIES.map((s) => (
            <label
              key={s}
              className={
                draft.assign === s
                  ? 'tp-pooleditor__strategy tp-pooleditor__strategy--on'
                  : 'tp-pooleditor__strategy'
              }
            >
              <input
                type="radio"
                name="pool-assign"
                value={s}
                checked={draft.assign === s}
                onChange={() => set({ assign: s })}
                data-testid={`pool-assign-${s}`}
              />
              <span>{t(`pools.strategies.${s}`)}</span>
            </label>
          ))}
        </div>
      </Card>
    </div>
  );
}

function Card({
  title,
  body,
  testId,
  children,
}: {
  title: string;
  body?: string;
  testId: string;
  children: ReactNode;
}) {
  return (
    <section className="tp-card" data-testid={testId}>
      <header className="tp-card__header">
        <div>
          <h2 className="tp-card__title">{title}</h2>
          {body ? <p className="tp-settings__cardbody">{body}</p> : null}
        </div>
      </header>
      <div className="tp-card__body tp-pooleditor__body">{children}</div>
    </section>
  );
}

/** "张伟、李娜 等 5 人" / "Zhang Wei, Li Na +3". */
function TeamLabel({ team }: { team: TeamView }) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const { names, more } = teamLabelParts(team);
  if (names.length === 0) return <span className="tp-muted">{t('pools.unknownTeam')}</span>;
  return (
    <span title={team.members.join(locale === 'en' ? ', ' : '、')}>
      {names.join(locale === 'en' ? ', ' : '、')}
      {more > 0 ? <span className="tp-muted"> {t('pools.teamMore', { n: team.size })}</span> : null}
    </span>
  );
}

/** Under a control a pool's own admin sees but may not change. */
function OrgAdminOnly() {
  const { t } = useTranslation();
  return (
    <p className="tp-field__hint tp-pooleditor__locked" data-testid="pool-org-admin-only">
      <Icon name="lock" size={12} />
      <span>{t('pools.orgAdminOnly')}</span>
    </p>
  );
}

function Switch({
  checked,
  onChange,
  label,
  hint,
  disabled = false,
  testId,
}: {
  checked: boolean;
  onChange: (on: boolean) => void;
  label: string;
  hint: string;
  disabled?: boolean;
  testId: string;
}) {
  return (
    <label className="tp-pooleditor__switch">
      <input
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
        data-testid={testId}
      />
      <span>
        <span className="tp-pooleditor__switchlabel">{label}</span>
        <span className="tp-field__hint">{hint}</span>
      </span>
    </label>
  );
}

/** A whole number typed as text (blank allowed where it means "no limit"), with its unit after it. */
function NumberField({
  path,
  testId,
  label,
  unit,
  hint,
  placeholder,
  value,
  error,
  onChange,
}: {
  path: string;
  testId: string;
  label: string;
  unit: string;
  hint?: string;
  placeholder?: string;
  value: string;
  error: string | null;
  onChange: (value: string) => void;
}) {
  return (
    <FormField name={path} id={`pool-${path}`} label={label} error={error} hint={hint}>
      {(c) => (
        <span className="tp-pooleditor__number">
          <input
            className="tp-input tp-num"
            inputMode="numeric"
            value={value}
            placeholder={placeholder}
            onChange={(e) => onChange(e.target.value)}
            data-testid={testId}
            data-path={path}
            {...c}
          />
          <span className="tp-pooleditor__unit">{unit}</span>
        </span>
      )}
    </FormField>
  );
}

function RuleRow({
  index,
  rule,
  errorAt,
  onChange,
  onRemove,
}: {
  index: number;
  rule: RecycleRuleDraft;
  errorAt: (path: string) => string | null;
  onChange: (patch: Partial<RecycleRuleDraft>) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const base = `recycle.rules.${index}`;
  const kindError = errorAt(`${base}.kind`);
  const daysError = errorAt(`${base}.days`);
  return (
    <li className="tp-rule" data-testid="pool-rule" data-index={index} data-kind={rule.kind}>
      <div className="tp-rule__main">
        <label className="tp-rule__cell">
          <span className="tp-rule__label">{t('pools.ruleKind')}</span>
          <select
            className="tp-input tp-select"
            value={rule.kind}
            aria-invalid={kindError ? true : undefined}
            onChange={(e) => onChange({ kind: e.target.value as RecycleRuleKind })}
            data-testid="pool-rule-kind"
            data-path={`${base}.kind`}
          >
            {RECYCLE_RULE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`pools.ruleKinds.${k}`)}
              </option>
            ))}
          </select>
          {kindError ? (
            <span className="tp-field__error" role="alert" data-testid={`error-${base}.kind`}>
              {kindError}
            </span>
          ) : null}
        </label>
        <label className="tp-rule__cell tp-rule__cell--days">
          <span className="tp-rule__label">{t('pools.days')}</span>
          <span className="tp-pooleditor__number">
            <input
              className="tp-input tp-num"
              inputMode="numeric"
              value={rule.days}
              aria-invalid={daysError ? true : undefined}
              onChange={(e) => onChange({ days: e.target.value })}
              data-testid="pool-rule-days"
              data-path={`${base}.days`}
            />
            <span className="tp-pooleditor__unit">{t('pools.daysUnit')}</span>
          </span>
          {daysError ? (
            <span className="tp-field__error" role="alert" data-testid={`error-${base}.days`}>
              {daysError}
            </span>
          ) : null}
        </label>
        <div className="tp-rule__cell tp-rule__levels" title={t('pools.levelHint')}>
          <span className="tp-rule__label">{t('pools.byLevel')}</span>
          <div className="tp-rule__levelinputs">
            {CUSTOMER_LEVELS.map((level) => {
              const err = errorAt(`${base}.daysByLevel.${level}`);
              return (
                <label key={level} className="tp-rule__level">
                  <span>{level}</span>
                  <input
                    className="tp-input tp-num tp-input--sm"
                    inputMode="numeric"
                    value={rule.daysByLevel[level]}
                    placeholder={/^\d+$/.test(rule.days.trim()) ? rule.days.trim() : undefined}
                    aria-label={t('pools.levelDays', { level })}
                    aria-invalid={err ? true : undefined}
                    title={err ?? t('pools.levelHint')}
                    onChange={(e) =>
                      onChange({ daysByLevel: { ...rule.daysByLevel, [level]: e.target.value } })
                    }
                    data-testid={`pool-rule-level-${level}`}
                    data-path={`${base}.daysByLevel.${level}`}
                  />
                </label>
              );
            })}
          </div>
          {CUSTOMER_LEVELS.map((level) => {
            const err = errorAt(`${base}.daysByLevel.${level}`);
            return err ? (
              <span
                key={level}
                className="tp-field__error"
                role="alert"
                data-testid={`error-${base}.daysByLevel.${level}`}
              >
                {t('errors.withField', { field: t('pools.levelDays', { level }), message: err })}
              </span>
            ) : null;
          })}
        </div>
        <button
          type="button"
          className="tp-iconbtn tp-rule__remove"
          onClick={onRemove}
          aria-label={t('pools.removeRule')}
          title={t('pools.removeRule')}
          data-testid="pool-rule-remove"
        >
          <Icon name="trash" size={14} />
        </button>
      </div>
      <p className="tp-rule__help">{t(`pools.ruleHelp.${rule.kind}`)}</p>
    </li>
  );
}
