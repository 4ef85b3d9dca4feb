import { DEVICE_TIME_ZONE } from './processes';

/**
 * A `date` input's value (YYYY-MM-DD) for the day `days` after today on the devices' calendar
 * (`DEVICE_TIME_ZONE`, the browser's and the client core's), whatever the machine running the tests uses.
 */
export function deviceDate(days: number, now = Date.now()): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: DEVICE_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const d = new Date(Date.UTC(get('year'), get('month') - 1, get('day') + days));
  return d.toISOString().slice(0, 10);
}
