import type { PoolRow } from '../../../../../shared/pools/schema';
import type { Locale } from '../../../i18n/locale';

/** A pool's name in the user's language. */
export function poolName(pool: Pick<PoolRow, 'nameZh' | 'nameEn'>, locale: Locale): string {
  return locale === 'en' ? pool.nameEn : pool.nameZh;
}
