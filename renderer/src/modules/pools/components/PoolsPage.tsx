import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { AppErrorData } from '../../../../../shared/errors';
import { sortPools } from '../../../../../shared/pools/resolve';
import { POOL_KINDS, type RecycleRunResponse } from '../../../../../shared/pools/schema';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { formatNumber } from '../../../i18n/format';
import { useErrorText } from '../../../i18n/useErrorText';
import { Badge, Button, ConfirmDialog, EmptyState, Skeleton } from '../../../ui';
import { AdminErrorBanner } from '../../designer/components/AdminErrorBanner';
import { PageHeader } from '../../shell/components/PageHeader';
import { usePools } from '../hooks/usePools';
import { administeredPools, poolScope } from '../utils/poolAccess';
import { poolName } from '../utils/poolLabel';
import { PoolEditor } from './PoolEditor';
import { RecyclePreview } from './RecyclePreview';

/** `new` while the editor holds a pool not saved yet. */
type Selection = string | 'new' | null;

/**
 * The admin's pools (SPEC §4, §9 Admin): customer pools and lead pools in a rail, the chosen one's
 * editor beside it, and the recycle job's preview (a dry run: per pool and rule, how many customers
 * would go back today and how many owners would be warned) with "run now" behind a confirmation.
 * Saved on the server (online only); the device receives the pools by sync. Unsaved changes are
 * guarded like the form designer's.
 *
 * A manager named among a pool's admins sees only those pools, creates none, and edits their names
 * and rules, not which pools exist or whom they serve (`poolScope`, as the server checks). The
 * org-wide preview is the org admin's: the server wants a `poolId` from a pool admin.
 */
export function PoolsPage() {
  const { t } = useTranslation();
  const { me, locale, users, loadUsers, setLeaveGuard, showToast, loadPools } = useAppStore(
    useShallow((s) => ({
      me: s.session?.user,
      locale: s.locale,
      users: s.teamUsers,
      loadUsers: s.loadTeamUsers,
      setLeaveGuard: s.setLeaveGuard,
      showToast: s.showToast,
      loadPools: s.loadPools,
    })),
  );
  const errorText = useErrorText();
  const pools = usePools();
  const [selected, setSelected] = useState<Selection>(null);
  const [dirty, setDirty] = useState(false);
  const [ask, setAsk] = useState<Selection | undefined>(undefined);
  const [preview, setPreview] = useState<{ poolId: string | null; result: RecycleRunResponse } | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [runAsk, setRunAsk] = useState(false);
  const [running, setRunning] = useState(false);
  const [runError, setRunError] = useState<AppErrorData | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);

  // Null while a manager's pools load: wait for them rather than flash "admins only".
  const scope = poolScope(me, pools);
  const org = scope === 'org';
  const allowed = scope === 'org' || scope === 'own';
  useEffect(() => {
    if (allowed) void loadUsers();
  }, [allowed, loadUsers]);
  useEffect(() => {
    setLeaveGuard(dirty, t('pools.leaveBody'));
  }, [dirty, setLeaveGuard, t]);
  useEffect(() => () => setLeaveGuard(false), [setLeaveGuard]);
  useEffect(() => {
    // As in the form designer: a browser tab asks before closing over unsaved rules (Electron is left
    // alone, where a beforeunload handler silently keeps the window open).
    if (!dirty || window.api) return;
    const onUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, [dirty]);

  const sorted = useMemo(() => administeredPools(me, sortPools(pools ?? [])), [me, pools]);
  const editingNew = selected === 'new';
  // Nothing chosen yet: the first pool. A pool just saved may not have synced down yet: wait for it.
  // One synced but not listed here (an admin took this manager off it) falls back to the first.
  const listed = sorted.find((p) => p.id === selected);
  const synced = pools?.some((p) => p.id === selected) ?? false;
  const current =
    selected === 'new' ? null : (listed ?? (selected === null || synced ? (sorted[0] ?? null) : null));
  const waitingForSaved = selected !== null && selected !== 'new' && current === null && pools !== null;

  const choose = (next: Selection) => {
    if (next === (editingNew ? 'new' : (current?.id ?? null))) return;
    if (dirty) setAsk(next);
    else setSelected(next);
  };
  const onDirtyChange = useCallback((d: boolean) => setDirty(d), []);

  const runPreview = async (poolId: string | null) => {
    if (previewing) return;
    setPreviewing(true);
    setError(null);
    try {
      const result = await getApi().call('admin.pools.run', { ...(poolId ? { poolId } : {}), dryRun: true });
      setPreview({ poolId, result });
    } catch (err) {
      setError(toAppErrorData(err));
    } finally {
      setPreviewing(false);
    }
  };

  const runNow = async () => {
    if (!preview || running) return;
    setRunning(true);
    setRunError(null);
    try {
      const result = await getApi().call('admin.pools.run', {
        ...(preview.poolId ? { poolId: preview.poolId } : {}),
        dryRun: false,
      });
      setPreview({ poolId: preview.poolId, result });
      setRunAsk(false);
      showToast(
        t('pools.ran', {
          moved: formatNumber(result.moved, locale),
          warned: formatNumber(result.warned, locale),
        }),
      );
      void loadPools();
    } catch (err) {
      setRunError(toAppErrorData(err));
    } finally {
      setRunning(false);
    }
  };

  if (scope === 'none') {
    return (
      <div className="tp-page tp-page--narrow" data-testid="pools-page">
        <PageHeader title={t('pools.title')} />
        <section className="tp-card">
          <EmptyState
            icon="lock"
            title={t('pools.adminOnly')}
            body={t('pools.adminOnlyBody')}
            testId="pools-forbidden"
          />
        </section>
      </div>
    );
  }

  return (
    <div
      className="tp-page tp-designerpage tp-poolspage"
      data-testid="pools-page"
      data-dirty={dirty || undefined}
    >
      <PageHeader
        title={t('pools.title')}
        subtitle={t(org ? 'pools.subtitle' : 'pools.subtitleOwn')}
        actions={
          org ? (
            <Button
              icon="eye"
              busy={previewing}
              onClick={() => void runPreview(null)}
              disabled={sorted.length === 0}
              data-testid="pools-preview-all"
            >
              {t('pools.preview')}
            </Button>
          ) : null
        }
      />
      {error ? (
        <AdminErrorBanner
          error={error}
          testId="pools-preview-error"
          offlineBody={t('pools.offlineBody')}
          forbiddenText={t('pools.forbidden')}
        />
      ) : null}
      {preview ? (
        <RecyclePreview
          result={preview.result}
          pools={sorted}
          users={users}
          stale={dirty}
          running={running}
          onRun={() => {
            setRunError(null);
            setRunAsk(true);
          }}
          onClose={() => setPreview(null)}
        />
      ) : null}

      <div className="tp-designer">
        <aside className="tp-designer__rail tp-card" aria-label={t('pools.list')}>
          <div className="tp-designer__railhead">
            <span>{t('pools.list')}</span>
            {org ? (
              <Button
                size="sm"
                variant="ghost"
                icon="plus"
                onClick={() => choose('new')}
                data-testid="pools-new"
              >
                {t('pools.new')}
              </Button>
            ) : null}
          </div>
          {pools === null ? (
            <div className="tp-designer__railbody">
              <Skeleton width="80%" />
              <Skeleton width="60%" />
            </div>
          ) : (
            <nav className="tp-designer__railbody" data-testid="pools-list">
              {POOL_KINDS.map((kind) => {
                const mine = sorted.filter((p) => p.kind === kind);
                return (
                  <div key={kind} className="tp-designer__group" data-testid={`pools-group-${kind}`}>
                    <p className="tp-designer__grouptitle">{t(`pools.kinds.${kind}`)}</p>
                    {mine.length === 0 ? <p className="tp-designer__none">{t('pools.empty')}</p> : null}
                    {mine.map((p) => {
                      const on = !editingNew && p.id === current?.id;
                      return (
                        <button
                          key={p.id}
                          type="button"
                          className={on ? 'tp-designer__item tp-designer__item--on' : 'tp-designer__item'}
                          aria-current={on ? 'true' : undefined}
                          onClick={() => choose(p.id)}
                          data-testid="pools-item"
                          data-id={p.id}
                          data-kind={p.kind}
                          data-default={String(p.isDefault)}
                          data-active={String(p.active)}
                        >
                          <span className="tp-designer__itemname">{poolName(p, locale)}</span>
                          <span className="tp-designer__itemmeta">
                            {p.isDefault ? <Badge tone="brand">{t('pools.default')}</Badge> : null}
                            {!p.active ? <Badge tone="neutral">{t('pools.inactive')}</Badge> : null}
                            <span>
                              {p.teamIds.length > 0
                                ? t('pools.teamsCount', { n: formatNumber(p.teamIds.length, locale) })
                                : t('pools.noTeams')}
                            </span>
                          </span>
                        </button>
                      );
                    })}
                  </div>
                );
              })}
            </nav>
          )}
        </aside>
        <div className="tp-designer__main">
          {pools !== null && sorted.length === 0 && !editingNew && !waitingForSaved ? (
            <section className="tp-card">
              <EmptyState
                icon="wave"
                title={t('pools.empty')}
                body={t('pools.emptyBody')}
                action={
                  org ? (
                    <Button
                      variant="primary"
                      icon="plus"
                      onClick={() => setSelected('new')}
                      data-testid="pools-create-first"
                    >
                      {t('pools.new')}
                    </Button>
                  ) : null
                }
                testId="pools-empty"
              />
            </section>
          ) : pools === null || waitingForSaved ? (
            <section className="tp-card tp-card__body" aria-busy="true">
              <Skeleton width="50%" />
              <Skeleton width="70%" />
            </section>
          ) : (
            <PoolEditor
              // A new selection (or the saved version of it) starts a fresh draft.
              key={editingNew ? 'new' : `${current?.id}:${current?.version}`}
              row={editingNew ? null : current}
              orgFieldsLocked={!org}
              users={users}
              onDirtyChange={onDirtyChange}
              onSaved={(id) => {
                setDirty(false);
                setSelected(id);
              }}
              onPreview={(poolId) => void runPreview(poolId)}
            />
          )}
        </div>
      </div>

      {ask !== undefined ? (
        <ConfirmDialog
          title={t('designer.leaveTitle')}
          body={t('pools.leaveBody')}
          confirmLabel={t('designer.leaveConfirm')}
          cancelLabel={t('designer.leaveStay')}
          closeLabel={t('common.close')}
          busy={false}
          onConfirm={() => {
            setDirty(false);
            setSelected(ask);
            setAsk(undefined);
          }}
          onClose={() => setAsk(undefined)}
        />
      ) : null}
      {runAsk && preview ? (
        <ConfirmDialog
          title={t('pools.runTitle')}
          body={t('pools.runBody', { moved: formatNumber(preview.result.moved, locale) })}
          confirmLabel={t('pools.runConfirm')}
          cancelLabel={t('common.cancel')}
          closeLabel={t('common.close')}
          busy={running}
          error={
            runError ? (runError.code === 'offline' ? t('pools.offlineBody') : errorText(runError)) : null
          }
          onConfirm={() => void runNow()}
          onClose={() => setRunAsk(false)}
        />
      ) : null}
    </div>
  );
}
