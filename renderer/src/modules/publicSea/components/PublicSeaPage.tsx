import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { CUSTOMER_LEVELS } from '../../../../../shared/domain/levels';
import type { PoolKind, PublicSeaItem } from '../../../../../shared/pools/schema';
import { sortPools } from '../../../../../shared/pools/resolve';
import { toAppErrorData } from '../../../api/apiError';
import { useAppStore } from '../../../app/store';
import { formatNumber } from '../../../i18n/format';
import { useErrorText } from '../../../i18n/useErrorText';
import { Badge, Button, EmptyState, Icon, Skeleton } from '../../../ui';
import { useDebouncedValue } from '../../customers/hooks/useDebouncedValue';
import { TransferCustomerDialog } from '../../customers/components/TransferCustomerDialog';
import { usePools } from '../../pools/hooks/usePools';
import { poolName } from '../../pools/utils/poolLabel';
import { PageHeader } from '../../shell/components/PageHeader';
import { useNow } from '../../shell/hooks/useNow';
import { usePublicSea, type SeaFilters } from '../hooks/usePublicSea';
import { claimBlock, standingView, type StandingView } from '../utils/publicSeaView';
import { PublicSeaTable } from './PublicSeaTable';
import type { SeaRowContext } from './seaColumns';

const FILTER_DEBOUNCE_MS = 300;

type Level = (typeof CUSTOMER_LEVELS)[number];

/**
 * The public sea (SPEC §4, §9): customers (or leads) nobody owns, browsed on the server with masked
 * phones, filtered, paged by a keyset cursor. A rep claims (queued like any change: offline it waits in
 * the outbox, and comes back accepted — the customer arrives in My customers — or refused, in the
 * inbox, with the reason); a manager assigns to a rep of the team. The rep's standing against the
 * claim limits heads the screen.
 */
export function PublicSeaPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const now = useNow(60_000);
  const {
    locale,
    me,
    online,
    claims,
    claimFromSea,
    noteSeaAssignment,
    settleSeaClaims,
    showToast,
    dataVersion,
    inboxItems,
    loadInbox,
  } = useAppStore(
    useShallow((s) => ({
      locale: s.locale,
      me: s.session?.user ?? null,
      online: s.syncStatus?.online ?? true,
      claims: s.seaClaims,
      claimFromSea: s.claimFromSea,
      noteSeaAssignment: s.noteSeaAssignment,
      settleSeaClaims: s.settleSeaClaims,
      showToast: s.showToast,
      dataVersion: s.dataVersion,
      inboxItems: s.inboxItems,
      loadInbox: s.loadInbox,
    })),
  );
  const pools = usePools();
  const [kind, setKind] = useState<PoolKind>('customer');
  const [poolId, setPoolId] = useState('');
  const [text, setText] = useState('');
  const [industry, setIndustry] = useState('');
  const [region, setRegion] = useState('');
  const [level, setLevel] = useState<Level | ''>('');
  const query = useDebouncedValue(text.trim(), FILTER_DEBOUNCE_MS);
  const industryQ = useDebouncedValue(industry.trim(), FILTER_DEBOUNCE_MS);
  const regionQ = useDebouncedValue(region.trim(), FILTER_DEBOUNCE_MS);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [assigning, setAssigning] = useState<PublicSeaItem | null>(null);

  const filters = useMemo<SeaFilters>(
    () => ({
      kind,
      ...(poolId ? { poolId } : {}),
      ...(query ? { query } : {}),
      ...(industryQ ? { industry: industryQ } : {}),
      ...(regionQ ? { region: regionQ } : {}),
      ...(level ? { level } : {}),
    }),
    [kind, poolId, query, industryQ, regionQ, level],
  );
  const sea = usePublicSea(filters);
  const filtered = Boolean(poolId || query || industryQ || regionQ || level);

  const role = me?.role ?? 'rep';
  // An admin has no private sea to claim into; managers and admins hand customers to their reps.
  const canClaim = role !== 'admin';
  const canAssign = role !== 'rep';

  // The pools this user browses: a rep those serving the team (and the default), a manager all.
  const choosable = useMemo(() => {
    const live = sortPools(pools ?? []).filter((p) => p.active && p.kind === kind);
    const teamId = me?.teamId ?? null;
    if (role !== 'rep' || teamId === null) return live;
    const mine = live.filter((p) => p.teamIds.includes(teamId) || p.isDefault);
    return mine.length > 0 ? mine : live;
  }, [pools, kind, role, me]);

  // A claim that was answered (the customer arrived, or the inbox holds the refusal) settles on every
  // data change; the inbox is read so a refusal can be recognised even if the Sync page was never open.
  useEffect(() => {
    void loadInbox();
  }, [dataVersion, loadInbox]);
  useEffect(() => {
    void settleSeaClaims();
  }, [dataVersion, inboxItems, settleSeaClaims]);

  // The device came back online after an "offline" answer: try again by itself, once per reconnection.
  const offline = sea.error?.code === 'offline';
  const { reload } = sea;
  const wasOnline = useRef(online);
  useEffect(() => {
    const reconnected = online && !wasOnline.current;
    wasOnline.current = online;
    if (reconnected && offline) reload();
  }, [online, offline, reload]);

  // Claims made since the standing was read count against it (accepted ones too, until a reload).
  const queued = Object.values(claims).filter(
    (c) => c.mode === 'claim' && c.state !== 'refused' && c.at >= (sea.loadedAt ?? 0),
  ).length;
  const standing = standingView(sea.standing, queued);
  const rows = useMemo(() => sea.rows.filter((r) => claims[r.id]?.state !== 'accepted'), [sea.rows, claims]);

  const claim = async (row: PublicSeaItem) => {
    if (busyId) return;
    setBusyId(row.id);
    try {
      await claimFromSea({ id: row.id, name: row.name, kind: row.kind }, t('publicSea.claimReason'));
      const list = t(`publicSea.myList.${row.kind}`);
      showToast(t(online ? 'publicSea.claimed' : 'publicSea.claimedOffline', { customer: row.name, list }), {
        label: list,
        route: row.kind === 'lead' ? { name: 'leads' } : { name: 'customers' },
      });
    } catch (err) {
      showToast(t('publicSea.claimFailed', { reason: errorText(toAppErrorData(err)) }));
    } finally {
      setBusyId(null);
    }
  };

  const ctx: SeaRowContext = {
    t,
    locale,
    now,
    claims,
    busyId,
    canClaim,
    canAssign,
    blockOf: (r) => claimBlock(r, now, { pending: claims[r.id]?.state === 'pending', standing }),
    onClaim: (r) => void claim(r),
    onAssign: setAssigning,
  };

  const clearFilters = () => {
    setPoolId('');
    setText('');
    setIndustry('');
    setRegion('');
    setLevel('');
  };

  const body = (() => {
    if (sea.error && !sea.loaded) {
      return offline ? (
        <EmptyState
          icon="cloudOff"
          title={t('publicSea.offlineTitle')}
          body={t('publicSea.offlineBody')}
          action={
            <Button icon="sync" onClick={sea.reload} busy={sea.loading} data-testid="sea-retry">
              {t('common.retry')}
            </Button>
          }
          testId="sea-offline"
        />
      ) : (
        <EmptyState
          icon="alert"
          tone="danger"
          title={t('publicSea.loadError')}
          body={errorText(sea.error)}
          action={
            <Button icon="sync" onClick={sea.reload} busy={sea.loading} data-testid="sea-retry">
              {t('common.retry')}
            </Button>
          }
          testId="sea-error"
        />
      );
    }
    if (!sea.loaded) return <SeaSkeleton />;
    if (rows.length === 0) {
      return filtered ? (
        <EmptyState
          icon="search"
          title={t('publicSea.noMatch')}
          body={t('publicSea.noMatchBody')}
          action={<Button onClick={clearFilters}>{t('publicSea.clearFilters')}</Button>}
          testId="sea-empty"
        />
      ) : (
        <EmptyState
          icon="wave"
          title={t('publicSea.empty')}
          body={t('publicSea.emptyBody')}
          testId="sea-empty"
        />
      );
    }
    return (
      <PublicSeaTable
        rows={rows}
        ctx={ctx}
        busy={sea.loading}
        stateOf={(r) =>
          claims[r.id]?.state ?? claimBlock(r, now, { pending: false, standing }) ?? 'claimable'
        }
        footer={
          <div className="tp-sea__more">
            {sea.error && sea.loaded ? (
              <span className="tp-danger-text" role="alert" data-testid="sea-more-error">
                {sea.error.code === 'offline' ? t('publicSea.offlineTitle') : errorText(sea.error)}
              </span>
            ) : null}
            {sea.nextCursor ? (
              <Button busy={sea.loadingMore} onClick={sea.loadMore} data-testid="sea-load-more">
                {t('publicSea.loadMore')}
              </Button>
            ) : (
              <span className="tp-muted" data-testid="sea-end">
                {t('publicSea.end')}
              </span>
            )}
          </div>
        }
      />
    );
  })();

  return (
    <div className="tp-page tp-page--fill tp-sea" data-testid="public-sea-page" data-kind={kind}>
      <PageHeader
        title={t('publicSea.title')}
        subtitle={
          <span className="tp-sea__subtitle">
            <span>{t(kind === 'lead' ? 'publicSea.subtitleLeads' : 'publicSea.subtitle')}</span>
            {standing && canClaim ? <Standing standing={standing} /> : null}
            {!canClaim ? <span className="tp-muted">{t('publicSea.adminNoClaim')}</span> : null}
          </span>
        }
      >
        <div className="tp-segmented" role="radiogroup" aria-label={t('publicSea.kindLabel')}>
          {(['customer', 'lead'] as const).map((k) => (
            <button
              key={k}
              type="button"
              role="radio"
              aria-checked={kind === k}
              className={kind === k ? 'tp-segmented__item tp-segmented__item--on' : 'tp-segmented__item'}
              onClick={() => {
                if (k === kind) return;
                setKind(k);
                setPoolId('');
              }}
              data-testid={`sea-kind-${k}`}
            >
              {t(`publicSea.kinds.${k}`)}
            </button>
          ))}
        </div>
      </PageHeader>

      <div className="tp-sea__filters">
        <label className="tp-search tp-sea__search">
          <Icon name="search" size={15} />
          <input
            type="search"
            className="tp-search__input"
            data-testid="sea-search"
            placeholder={t('publicSea.searchPlaceholder')}
            aria-label={t('publicSea.searchPlaceholder')}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setText('');
            }}
          />
        </label>
        <select
          className="tp-input tp-select tp-filter"
          data-testid="sea-pool-filter"
          aria-label={t('publicSea.pool')}
          value={poolId}
          onChange={(e) => setPoolId(e.target.value)}
        >
          <option value="">{t('publicSea.allPools')}</option>
          {choosable.map((p) => (
            <option key={p.id} value={p.id}>
              {poolName(p, locale)}
            </option>
          ))}
        </select>
        <input
          className="tp-input tp-sea__text"
          data-testid="sea-industry"
          placeholder={t('publicSea.industry')}
          aria-label={t('publicSea.industry')}
          value={industry}
          onChange={(e) => setIndustry(e.target.value)}
        />
        <input
          className="tp-input tp-sea__text"
          data-testid="sea-region"
          placeholder={t('publicSea.region')}
          aria-label={t('publicSea.region')}
          value={region}
          onChange={(e) => setRegion(e.target.value)}
        />
        <select
          className="tp-input tp-select tp-filter tp-sea__level"
          data-testid="sea-level"
          aria-label={t('publicSea.level')}
          value={level}
          onChange={(e) => setLevel(e.target.value as Level | '')}
        >
          <option value="">{t('publicSea.allLevels')}</option>
          {CUSTOMER_LEVELS.map((l) => (
            <option key={l} value={l}>
              {t(`customer.level.${l}`)}
            </option>
          ))}
        </select>
        <span
          className="tp-sea__count"
          data-testid="sea-count"
          data-count={sea.loaded ? rows.length : undefined}
        >
          {sea.loaded ? t('publicSea.count', { n: formatNumber(rows.length, locale) }) : null}
        </span>
        <Button
          variant="ghost"
          size="sm"
          icon="sync"
          onClick={sea.reload}
          disabled={sea.loading}
          title={t('common.retry')}
          aria-label={t('common.retry')}
          data-testid="sea-refresh"
        />
      </div>

      <div className="tp-page__body">{body}</div>

      {assigning ? (
        <TransferCustomerDialog
          mode="assign"
          customer={{ id: assigning.id, name: assigning.name, ownerId: null, ownerName: null }}
          onClose={() => setAssigning(null)}
          onSubmitted={(to) => {
            noteSeaAssignment(
              { id: assigning.id, name: assigning.name, kind: assigning.kind },
              to.displayName,
            );
            showToast(t('assign.submitted', { customer: assigning.name, name: to.displayName }));
            setAssigning(null);
          }}
        />
      ) : null}
    </div>
  );
}

/** "持有 812 / 1500 · 今日已领 2 / 20", amber when a limit is reached. */
function Standing({ standing }: { standing: StandingView }) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const n = (v: number) => formatNumber(v, locale);
  return (
    <span
      className="tp-sea__standing"
      data-testid="sea-standing"
      data-owned={standing.owned}
      data-max-per-user={standing.maxPerUser ?? undefined}
      data-claims-today={standing.claimsToday}
      data-max-claims-per-day={standing.maxClaimsPerDay ?? undefined}
    >
      <span className={standing.full ? 'tp-sea__limit tp-sea__limit--hit' : 'tp-sea__limit'}>
        {standing.maxPerUser !== null
          ? t('publicSea.standingOwned', { owned: n(standing.owned), max: n(standing.maxPerUser) })
          : t('publicSea.standingOwnedNoMax', { owned: n(standing.owned) })}
      </span>
      <span aria-hidden="true">·</span>
      <span className={standing.dailyDone ? 'tp-sea__limit tp-sea__limit--hit' : 'tp-sea__limit'}>
        {standing.maxClaimsPerDay !== null
          ? t('publicSea.standingToday', { count: n(standing.claimsToday), max: n(standing.maxClaimsPerDay) })
          : t('publicSea.standingTodayNoMax', { count: n(standing.claimsToday) })}
      </span>
      {standing.full ? (
        <Badge tone="warning" testId="sea-full">
          {t('publicSea.full')}
        </Badge>
      ) : standing.dailyDone ? (
        <Badge tone="warning" testId="sea-daily-done">
          {t('publicSea.dailyDone')}
        </Badge>
      ) : null}
    </span>
  );
}

function SeaSkeleton() {
  return (
    <div className="tp-card tp-sea__skeleton" aria-busy="true">
      {Array.from({ length: 8 }, (_, i) => (
        <div key={i} className="tp-sea__skeletonrow">
          <Skeleton width="32%" />
          <Skeleton width="12%" />
          <Skeleton width="14%" />
          <Skeleton width="10%" />
        </div>
      ))}
    </div>
  );
}
