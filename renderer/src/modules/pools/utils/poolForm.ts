import { CUSTOMER_LEVELS, type CustomerLevel } from '../../../../../shared/domain/levels';
import type { ASSIGN_STRATEGIES } from '../../../../../shared/pools/rules';
import {
  RECYCLE_RULE_KINDS,
  type ClaimPolicy,
  type RecycleRuleKind,
} from '../../../../../shared/pools/rules';
import {
  savePoolRequest,
  type PoolKind,
  type PoolRow,
  type SavePoolRequest,
} from '../../../../../shared/pools/schema';
import type { FieldProblem } from '../../followUps/utils/followUpForm';

/**
 * The pool editor's form (admins, `admin.pools.save`): numbers as typed, so a half-typed "9" never
 * jumps, and problems by the request's own dotted paths (`recycle.rules.0.days`, `claim.maxPerUser`),
 * the same paths the server names in `error.field`, so a refusal lands under the field it is about.
 */

export type AssignStrategy = (typeof ASSIGN_STRATEGIES)[number];

export type RecycleRuleDraft = {
  /** A stable React key for the row (rules have no id). */
  uid: string;
  kind: RecycleRuleKind;
  days: string;
  /** Blank: the level uses `days`. */
  daysByLevel: Record<CustomerLevel, string>;
};

export type PoolDraft = {
  id: string | null;
  kind: PoolKind;
  nameZh: string;
  nameEn: string;
  teamIds: string[];
  adminIds: string[];
  isDefault: boolean;
  active: boolean;
  rules: RecycleRuleDraft[];
  combine: 'any' | 'all';
  exemptHasBought: boolean;
  exemptLocked: boolean;
  /** '' = the open-opportunity exemption is off. */
  exemptFromStage: string;
  warnDays: string;
  /** Blank = no limit. */
  maxPerUser: string;
  maxPerTeam: string;
  counts: ClaimPolicy['counts'];
  maxClaimsPerDay: string;
  reclaimCooldownDays: string;
  protectNewDays: string;
  assign: AssignStrategy;
};

/** Problems by request path. */
export type PoolFormErrors = Record<string, FieldProblem>;

/** Defaults for a new rule of a kind: what most sales teams start with. */
const NEW_RULE_DAYS: Record<RecycleRuleKind, number> = {
  noFollowUp: 90,
  noOpportunity: 30,
  notWon: 180,
  deregistered: 0,
};

let uidSeq = 0;
const nextUid = () => `rule-${++uidSeq}`;

const blankLevels = (): Record<CustomerLevel, string> => ({ A: '', B: '', C: '', D: '' });
const text = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

export function newRuleDraft(kind: RecycleRuleKind): RecycleRuleDraft {
  return { uid: nextUid(), kind, days: String(NEW_RULE_DAYS[kind]), daysByLevel: blankLevels() };
}

/** The first rule kind the pool does not use yet (a pool rarely needs the same rule twice). */
export function nextRuleKind(rules: readonly Pick<RecycleRuleDraft, 'kind'>[]): RecycleRuleKind {
  return RECYCLE_RULE_KINDS.find((k) => !rules.some((r) => r.kind === k)) ?? 'noFollowUp';
}

/** The editor's starting point: a saved pool as it is, or a new one with a sensible policy. */
export function poolDraft(row: PoolRow | null, kind: PoolKind = 'customer'): PoolDraft {
  if (!row) {
    return {
      id: null,
      kind,
      nameZh: '',
      nameEn: '',
      teamIds: [],
      adminIds: [],
      isDefault: false,
      active: true,
      rules: [newRuleDraft('noFollowUp')],
      combine: 'any',
      exemptHasBought: true,
      exemptLocked: true,
      exemptFromStage: '',
      warnDays: '3',
      maxPerUser: '',
      maxPerTeam: '',
      counts: 'all',
      maxClaimsPerDay: '',
      reclaimCooldownDays: '0',
      protectNewDays: '0',
      assign: 'previousOwnerThenLeastLoaded',
    };
  }
  const { recycle, claim } = row;
  return {
    id: row.id,
    kind: row.kind,
    nameZh: row.nameZh,
    nameEn: row.nameEn,
    teamIds: [...row.teamIds],
    adminIds: [...row.adminIds],
    isDefault: row.isDefault,
    active: row.active,
    rules: recycle.rules.map((r) => ({
      uid: nextUid(),
      kind: r.kind,
      days: String(r.days),
      daysByLevel: {
        A: text(r.daysByLevel.A),
        B: text(r.daysByLevel.B),
        C: text(r.daysByLevel.C),
        D: text(r.daysByLevel.D),
      },
    })),
    combine: recycle.combine,
    exemptHasBought: recycle.exemptions.hasBought,
    exemptLocked: recycle.exemptions.locked,
    exemptFromStage: recycle.exemptions.openOpportunityFromStage ?? '',
    warnDays: String(recycle.warnDays),
    maxPerUser: text(claim.maxPerUser),
    maxPerTeam: text(claim.maxPerTeam),
    counts: claim.counts,
    maxClaimsPerDay: text(claim.maxClaimsPerDay),
    reclaimCooldownDays: String(claim.reclaimCooldownDays),
    protectNewDays: String(claim.protectNewDays),
    assign: row.assign,
  };
}

/** Whether the draft differs from where it started (the save button and the leave guard). */
export function poolDraftChanged(a: PoolDraft, b: PoolDraft): boolean {
  const strip = (d: PoolDraft) => ({ ...d, rules: d.rules.map(({ uid: _uid, ...r }) => r) });
  return JSON.stringify(strip(a)) !== JSON.stringify(strip(b));
}

/** A typed number: blank, a whole number, or not one. */
type Parsed = { kind: 'blank' } | { kind: 'int'; value: number } | { kind: 'bad' };
function parseWhole(value: string): Parsed {
  const v = value.trim();
  if (v === '') return { kind: 'blank' };
  return /^\d{1,7}$/.test(v) ? { kind: 'int', value: Number(v) } : { kind: 'bad' };
}

/**
 * Checks the draft and builds the request: first what only a form can get wrong (not a whole number, a
 * required number left blank, a rule kind twice), then the shared `savePoolRequest` schema — the one
 * the server applies — for ranges and names. `input` is null while anything is wrong.
 */
export function validatePoolDraft(draft: PoolDraft): {
  errors: PoolFormErrors;
  input: SavePoolRequest | null;
} {
  const errors: PoolFormErrors = {};
  /** A number that must be there (days, warning days, cooldowns). */
  const required = (path: string, value: string): number => {
    const p = parseWhole(value);
    if (p.kind === 'int') return p.value;
    errors[path] = p.kind === 'blank' ? { key: 'required' } : { key: 'pools.wholeNumber' };
    return 0;
  };
  /** A limit where blank means "none". */
  const optional = (path: string, value: string): number | null => {
    const p = parseWhole(value);
    if (p.kind === 'int') return p.value;
    if (p.kind === 'bad') errors[path] = { key: 'pools.wholeNumber' };
    return null;
  };

  const seen = new Set<RecycleRuleKind>();
  const rules = draft.rules.map((r, i) => {
    if (seen.has(r.kind)) errors[`recycle.rules.${i}.kind`] = { key: 'pools.duplicateRule' };
    seen.add(r.kind);
    const daysByLevel: Partial<Record<CustomerLevel, number>> = {};
    for (const level of CUSTOMER_LEVELS) {
      const v = optional(`recycle.rules.${i}.daysByLevel.${level}`, r.daysByLevel[level]);
      if (v !== null) daysByLevel[level] = v;
    }
    return { kind: r.kind, days: required(`recycle.rules.${i}.days`, r.days), daysByLevel };
  });

  const request = {
    ...(draft.id ? { id: draft.id } : {}),
    kind: draft.kind,
    nameZh: draft.nameZh,
    nameEn: draft.nameEn,
    teamIds: draft.teamIds,
    adminIds: draft.adminIds,
    isDefault: draft.isDefault,
    active: draft.active,
    recycle: {
      rules,
      combine: draft.combine,
      exemptions: {
        openOpportunityFromStage: draft.exemptFromStage === '' ? null : draft.exemptFromStage,
        hasBought: draft.exemptHasBought,
        locked: draft.exemptLocked,
      },
      warnDays: required('recycle.warnDays', draft.warnDays),
    },
    claim: {
      maxPerUser: optional('claim.maxPerUser', draft.maxPerUser),
      maxPerTeam: optional('claim.maxPerTeam', draft.maxPerTeam),
      counts: draft.counts,
      maxClaimsPerDay: optional('claim.maxClaimsPerDay', draft.maxClaimsPerDay),
      reclaimCooldownDays: required('claim.reclaimCooldownDays', draft.reclaimCooldownDays),
      protectNewDays: required('claim.protectNewDays', draft.protectNewDays),
    },
    assign: draft.assign,
  };

  const result = savePoolRequest.safeParse(request);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.map(String).join('.');
      if (errors[path]) continue;
      errors[path] = problemOf(issue);
    }
  }
  if (Object.keys(errors).length > 0 || !result.success) return { errors, input: null };
  return { errors, input: result.data };
}

type Issue = {
  code: string;
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: boolean;
  path: PropertyKey[];
};

/** A schema issue as a message under `validation.`: blank names are required, numbers out of range say it. */
function problemOf(issue: Issue): FieldProblem {
  const last = issue.path[issue.path.length - 1];
  if ((last === 'nameZh' || last === 'nameEn') && issue.code === 'too_small') return { key: 'required' };
  if (issue.code === 'too_big' && (last === 'nameZh' || last === 'nameEn')) {
    return { key: 'tooLong', params: { max: Number(issue.maximum) } };
  }
  const min = Number(issue.minimum);
  if (issue.code === 'too_small' && (min >= 1 || (min === 0 && issue.inclusive === false))) {
    // The nullable limits: 0 would mean "nobody may claim", which is what deactivating a pool is for.
    return { key: 'pools.positiveOrBlank' };
  }
  if (issue.code === 'too_big' && last === 'rules') {
    return { key: 'pools.tooManyRules', params: { max: Number(issue.maximum) } };
  }
  if (issue.code === 'too_big') return { key: 'pools.atMost', params: { max: Number(issue.maximum) } };
  return { key: 'invalid' };
}

/** The server's `error.field` as one of the form's paths (it may carry a `payload.` or `body.` prefix). */
export function poolErrorPath(field: string | undefined): string | null {
  if (!field) return null;
  return field.replace(/^(payload|body|input)\./, '');
}

/** The request paths this form shows a message under (others head the editor as a banner). */
const FIELD_PATH =
  /^(nameZh|nameEn|kind|teamIds|recycle\.rules(\.\d+\.(kind|days|daysByLevel\.[A-D]))?|recycle\.warnDays|recycle\.exemptions\.openOpportunityFromStage|claim\.(maxPerUser|maxPerTeam|counts|maxClaimsPerDay|reclaimCooldownDays|protectNewDays))$/;

export function isPoolFieldPath(path: string | null): boolean {
  return path !== null && FIELD_PATH.test(path);
}
