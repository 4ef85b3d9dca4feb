import { useEffect, useState } from 'react';
import type { OpportunityItem } from '../../../../../shared/api/contract';
import type { ContactRow } from '../../../../../shared/domain/rows';
import { getApi } from '../../../api/client';

/** The people and open opportunities a follow-up can name. */
export type CustomerOptions = {
  contacts: readonly Pick<ContactRow, 'id' | 'name' | 'title' | 'isPrimary'>[];
  opportunities: readonly Pick<OpportunityItem, 'id' | 'name' | 'status'>[];
};

const NONE: CustomerOptions = { contacts: [], opportunities: [] };

/**
 * The contact and opportunity choices of the log-follow-up form: given by a page that has the customer
 * loaded already, else read from the core (quick log, Today). A failed read leaves the selects empty:
 * both are optional, logging must never wait on them.
 */
export function useCustomerOptions(customerId: string, given?: CustomerOptions): CustomerOptions {
  const [loaded, setLoaded] = useState<{ id: string; options: CustomerOptions } | null>(null);
  useEffect(() => {
    if (given) return;
    let live = true;
    getApi()
      .call('customers.get', { id: customerId })
      .then(
        (d) =>
          live &&
          setLoaded({ id: customerId, options: { contacts: d.contacts, opportunities: d.opportunities } }),
        () => undefined,
      );
    return () => {
      live = false;
    };
  }, [customerId, given]);
  if (given) return given;
  return loaded?.id === customerId ? loaded.options : NONE;
}
