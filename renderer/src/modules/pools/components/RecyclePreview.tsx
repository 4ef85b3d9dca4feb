import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { UserItem } from '../../../../../shared/api/contract';
import { RECYCLE_RULE_KINDS } from '../../../../../shared/pools/rules';
import type { PoolRow, RecycleRunResponse } from '../../../../../shared/pools/schema';
import { useAppStore } from '../../../app/store';
import { formatDateTime, formatNumber } from '../../../i18n/format';
import { Button, Icon } from '../../../ui';
import { poolName } from '../utils/poolLabel';
import { isRecycleRuleKind } from '../utils/recycleView';

/**
 * What the recycle job would do now (a dry run) or just did: per pool and per rule how many customers
 * go back, how many owners are warned, and some of the customers by name. "Run now" is offered on a
 * dry run only, and asks first (the caller's confirmation).
 */
export function RecyclePreview({
  result,
  pools,
  users,
  stale,
  running,
  onRun,
  onClose,
}: {
  result: RecycleRunResponse;
  pools: readonly PoolRow[];
  users: readonly UserItem[] | null;
  /** The editor holds unsaved changes: the preview used the saved rules. */
  stale: boolean;
  running: boolean;
  onRun: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { locale } = useAppStore(useShallow((s) => ({ locale: s.locale })));
  const n = (v: number) => formatNumber(v, locale);
  const nameOfPool = (id: string) => {
    const pool = pools.find((p) => p.id === id);
    return pool ? poolName(pool, locale) : t('pools.unknownPool');
  };
  const nameOfUser = (id: string | null) =>
    id ? (users?.find((u) => u.id === id)?.displayName ?? '—') : '—';
  // Only the rules some pool counted, in the rules' own order, so the table stays narrow.
  const rules = RECYCLE_RULE_KINDS.filter((k) => result.byPool.some((p) => p.byRule[k] !== undefined));
  const ruleLabel = (rule: string | null) =>
    rule && isRecycleRuleKind(rule) ? t(`pools.ruleKinds.${rule}`) : t('pools.previewNoRule');

  return (
    <section
      className="tp-card tp-preview"
      data-testid="pools-preview"
      data-dry-run={String(result.dryRun)}
      data-moved={result.moved}
      data-warned={result.warned}
    >
      <header className="tp-card__header">
        <div>
          <h2 className="tp-card__title">
            <Icon name={result.dryRun ? 'eye' : 'check'} size={16} />
            {result.dryRun
              ? t('pools.previewTitle')
              : t('pools.ran', { moved: n(result.moved), warned: n(result.warned) })}
          </h2>
          <p className="tp-settings__cardbody">
            {t('pools.previewAt', { time: formatDateTime(result.now, locale) })}
          </p>
        </div>
        <div className="tp-preview__actions">
          {result.dryRun && result.moved > 0 ? (
            <Button variant="danger" icon="wave" busy={running} onClick={onRun} data-testid="pools-run-now">
              {t('pools.runNow')}
            </Button>
          ) : null}
          <button
            type="button"
            className="tp-iconbtn"
            onClick={onClose}
            aria-label={t('common.close')}
            title={t('common.close')}
            data-testid="pools-preview-close"
          >
            <Icon name="close" size={15} />
          </button>
        </div>
      </header>
      <div className="tp-card__body tp-preview__body">
        {stale ? (
          <p className="tp-banner tp-banner--info" data-testid="pools-preview-stale">
            <Icon name="alert" size={14} />
            {t('pools.previewStale')}
          </p>
        ) : null}
        {result.skipped ? (
          <p className="tp-banner tp-banner--warning" data-testid="pools-preview-skipped">
            <Icon name="alert" size={14} />
            {t('pools.skipped')}
          </p>
        ) : null}
        {result.dryRun ? (
          <p className="tp-preview__summary" data-testid="pools-preview-summary">
            {result.moved === 0 && result.warned === 0
              ? t('pools.previewNone')
              : t('pools.previewSummary', { moved: n(result.moved), warned: n(result.warned) })}
          </p>
        ) : null}
        {result.byPool.length > 0 ? (
          <table className="tp-preview__table">
            <thead>
              <tr>
                <th scope="col">{t('pools.previewPool')}</th>
                {rules.map((r) => (
                  <th key={r} scope="col" className="tp-num">
                    {t(`pools.ruleKinds.${r}`)}
                  </th>
                ))}
                <th scope="col" className="tp-num">
                  {t('pools.previewMoved')}
                </th>
                <th scope="col" className="tp-num">
                  {t('pools.previewWarned')}
                </th>
              </tr>
            </thead>
            <tbody>
              {result.byPool.map((p) => (
                <tr
                  key={p.poolId}
                  data-testid="pools-preview-pool"
                  data-pool-id={p.poolId}
                  data-moved={p.moved}
                  data-warned={p.warned}
                >
                  <th scope="row">{nameOfPool(p.poolId)}</th>
                  {rules.map((r) => (
                    <td
                      key={r}
                      className="tp-num"
                      data-testid="pools-preview-rule"
                      data-rule={r}
                      data-count={p.byRule[r] ?? 0}
                    >
                      {n(p.byRule[r] ?? 0)}
                    </td>
                  ))}
                  <td className="tp-num tp-preview__moved">{n(p.moved)}</td>
                  <td className="tp-num">{n(p.warned)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {result.sample.length > 0 ? (
          <div className="tp-preview__sample">
            <h3 className="tp-pooleditor__subtitle">{t('pools.sample')}</h3>
            <ul className="tp-preview__samplelist" data-testid="pools-preview-sample">
              {result.sample.map((c) => (
                <li
                  key={c.id}
                  data-testid="pools-preview-sample-item"
                  data-id={c.id}
                  data-rule={c.rule ?? undefined}
                >
                  <span className="tp-preview__samplename">{c.name}</span>
                  <span className="tp-muted">
                    {t('pools.sampleLine', {
                      owner: nameOfUser(c.ownerId),
                      rule: ruleLabel(c.rule),
                      pool: nameOfPool(c.poolId),
                    })}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </section>
  );
}
