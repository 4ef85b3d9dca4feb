import { describe, expect, it } from 'vitest';
import type { CustomerRow } from '../../../../../shared/domain/rows';
import { defaultSettings } from '../../../../../shared/domain/settings';
import { emptyOpportunityForm } from '../../opportunities/utils/opportunityForm';
import { convertFormValues, validateConvertForm } from './convertForm';

const orgId = '0190eafa-4bc7-7ee4-8714-3543b5ed0b85';
const leadId = '0190eafa-4bc7-7ee4-8714-3543b5ed0b86';
const settings = defaultSettings(orgId);

const lead: CustomerRow = {
  id: leadId,
  orgId,
  name: '杭州云栖科技有限公司',
  shortName: null,
  creditCode: null,
  industry: '软件',
  region: '浙江 杭州',
  address: null,
  phone: '0571-8888 6666',
  website: null,
  source: '展会',
  status: 'active',
  level: null,
  ownerId: orgId,
  poolState: 'private',
  claimedAt: 1,
  lastFollowUpAt: null,
  lastDealAt: null,
  kind: 'lead',
  leadStatus: 'qualified',
  convertedAt: null,
  attrs: {},
  createdAt: 1,
  updatedAt: 1,
  version: 1,
};

describe('lead conversion form', () => {
  it('is prefilled from the lead', () => {
    expect(convertFormValues(lead)).toMatchObject({
      name: '杭州云栖科技有限公司',
      industry: '软件',
      region: '浙江 杭州',
      phone: '0571-8888 6666',
      source: '展会',
      shortName: '',
      level: '',
    });
  });

  it('maps every customer field into set, blanks as null, without an opportunity', () => {
    const values = { ...convertFormValues(lead), shortName: '云栖', level: 'B' };
    const { input, errors } = validateConvertForm(leadId, values, null, settings);
    expect(errors).toEqual({});
    expect(input).toEqual({
      id: leadId,
      set: {
        name: '杭州云栖科技有限公司',
        shortName: '云栖',
        creditCode: null,
        industry: '软件',
        region: '浙江 杭州',
        phone: '0571-8888 6666',
        website: null,
        address: null,
        source: '展会',
        level: 'B',
      },
      opportunity: null,
    });
  });

  it('adds the opportunity in minor units', () => {
    const opp = { ...emptyOpportunityForm(settings, '首批试点'), amount: '80000' };
    const { input } = validateConvertForm(leadId, convertFormValues(lead), opp, settings);
    expect(input?.opportunity).toMatchObject({ name: '首批试点', amountMinor: 8_000_000, currency: 'CNY' });
  });

  it('names problems under the customer and the opportunity fields', () => {
    const values = { ...convertFormValues(lead), name: ' ', creditCode: '123' };
    const opp = emptyOpportunityForm(settings, '');
    const { input, errors, opportunityErrors } = validateConvertForm(leadId, values, opp, settings);
    expect(input).toBeNull();
    expect(errors).toEqual({ name: { key: 'required' }, creditCode: { key: 'invalidCreditCode' } });
    expect(opportunityErrors).toEqual({ name: { key: 'required' }, amount: { key: 'amountRequired' } });
  });
});
