/** Currencies an amount may be in (ISO 4217). Amounts are integer minor units (分/cents) everywhere. */
export const CURRENCIES = ['CNY', 'USD', 'EUR', 'HKD', 'JPY', 'GBP'] as const;
export type Currency = (typeof CURRENCIES)[number];
