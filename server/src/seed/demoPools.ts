import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import { poolRowSchema, type PoolRow } from '../../../shared/pools/schema';

/**
 * The demo org's public pools (docs/pools.md, docs/server.md "Demo seed"). Rules chosen to fit the seeded
 * working day: private customers were assigned 120–900 days ago and followed up over the last 120 days,
 * so a 90-day no-follow-up rule (A customers: 120) keeps most of them and the seed's last pass
 * (demo.ts `keepFewRecycling`) leaves only a handful of each rep's due now — which the server's job,
 * running every 15 minutes, recycles at once — and a few inside the 7-day warning window, so the
 * countdown shows. The claim limits sit above what the demo reps hold (they scale with the seed's size),
 * claims are not protected (end-to-end tests claim seeded public customers), and a rep who lost a
 * customer waits 7 days to claim it back.
 */

export type DemoPoolIds = { eastChina: string; southChina: string; leads: string };

/** The exemption stage: an open deal in negotiation keeps its customer. */
export const DEMO_EXEMPT_STAGE = 'negotiation';

/**
 * Claim limits above what each rep holds: their share of the seed's records (customers or leads) and a
 * quarter more, in hundreds, at least `floor`; the team's, that for each of its reps.
 */
export function demoClaimLimits(
  records: number,
  reps: number,
  floor: number,
): { perUser: number; perTeam: number } {
  const share = Math.ceil(records / Math.max(1, reps));
  const perUser = Math.max(floor, Math.ceil((share * 1.25) / 100) * 100);
  return { perUser, perTeam: perUser * reps };
}

export function demoPools(opts: {
  orgId: string;
  ids: DemoPoolIds;
  /** 华东一组 and 华东二组: the East China pool serves them. */
  teamIds: readonly string[];
  /** The manager who administers the pools besides the admin. */
  managerId: string;
  customers: number;
  leads: number;
  reps: number;
  createdAt: number;
  version: number;
}): PoolRow[] {
  const { orgId, ids, createdAt, version } = opts;
  const limits = demoClaimLimits(opts.customers, opts.reps, 1000);
  const leadLimits = demoClaimLimits(opts.leads, opts.reps, 200);
  if (!DEFAULT_SETTINGS.stages.some((s) => s.key === DEMO_EXEMPT_STAGE && s.kind === 'open')) {
    throw new Error(`the demo's exemption stage ${DEMO_EXEMPT_STAGE} is not an open stage`);
  }
  const pools = [
    {
      id: ids.eastChina,
      orgId,
      kind: 'customer',
      nameZh: '华东公海',
      nameEn: 'East China public sea',
      teamIds: [...opts.teamIds],
      adminIds: [opts.managerId],
      isDefault: true,
      active: true,
      recycle: {
        rules: [
          { kind: 'noFollowUp', days: 90, daysByLevel: { A: 120 } },
          // A deregistered company goes back a month after it was recorded (time to close out orders).
          { kind: 'deregistered', days: 30, daysByLevel: {} },
        ],
        combine: 'any',
        exemptions: { openOpportunityFromStage: DEMO_EXEMPT_STAGE, hasBought: true, locked: true },
        warnDays: 7,
      },
      claim: {
        maxPerUser: limits.perUser,
        maxPerTeam: limits.perTeam,
        counts: 'notBought',
        maxClaimsPerDay: 20,
        reclaimCooldownDays: 7,
        protectNewDays: 0,
      },
      assign: 'previousOwnerThenLeastLoaded',
      createdAt,
      updatedAt: createdAt,
      version,
    },
    {
      // A second region, serving no demo team: the release picker has a choice, and its rules differ.
      id: ids.southChina,
      orgId,
      kind: 'customer',
      nameZh: '华南公海',
      nameEn: 'South China public sea',
      teamIds: [],
      adminIds: [],
      isDefault: false,
      active: true,
      recycle: {
        rules: [
          { kind: 'noFollowUp', days: 60, daysByLevel: { A: 90 } },
          { kind: 'noOpportunity', days: 180, daysByLevel: {} },
        ],
        combine: 'any',
        exemptions: { openOpportunityFromStage: 'proposal', hasBought: true, locked: true },
        warnDays: 5,
      },
      claim: {
        maxPerUser: limits.perUser,
        maxPerTeam: null,
        counts: 'all',
        maxClaimsPerDay: 10,
        reclaimCooldownDays: 14,
        protectNewDays: 3,
      },
      assign: 'roundRobin',
      createdAt: createdAt + 1,
      updatedAt: createdAt + 1,
      version,
    },
    {
      id: ids.leads,
      orgId,
      kind: 'lead',
      nameZh: '线索池',
      nameEn: 'Lead pool',
      teamIds: [...opts.teamIds],
      adminIds: [opts.managerId],
      isDefault: true,
      active: true,
      recycle: {
        // Leads are captured over the last 60 days: a lead nobody has worked for two months goes back.
        rules: [{ kind: 'noFollowUp', days: 60, daysByLevel: {} }],
        combine: 'any',
        exemptions: { openOpportunityFromStage: null, hasBought: true, locked: true },
        warnDays: 5,
      },
      claim: {
        maxPerUser: leadLimits.perUser,
        maxPerTeam: null,
        counts: 'all',
        maxClaimsPerDay: 30,
        reclaimCooldownDays: 3,
        protectNewDays: 0,
      },
      assign: 'leastLoaded',
      createdAt: createdAt + 2,
      updatedAt: createdAt + 2,
      version,
    },
  ];
  return pools.map((p) => poolRowSchema.parse(p));
}
