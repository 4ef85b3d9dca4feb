import {
  BRANDS as DEMO_BRANDS,
  BUSINESSES as DEMO_BUSINESSES,
  PLACES as DEMO_PLACES,
} from '../../server/src/seed/demoData';

/**
 * The demo seed's word lists (server/src/seed/demoData.ts), in the shape the bench's book generator
 * needs: the names of a bench book read like the demo's, and stay so when the demo's lists grow.
 */
export const PLACES: readonly { prefix: string; region: string }[] = DEMO_PLACES.map((p) => ({
  prefix: p.prefix,
  region: p.region,
}));
export const BRANDS: readonly string[] = DEMO_BRANDS.map(([word]) => word);
export const BUSINESSES: readonly string[] = DEMO_BUSINESSES.map(([word]) => word);
export const INDUSTRY_OF: ReadonlyMap<string, string> = new Map(
  DEMO_BUSINESSES.map(([word, industry]) => [word, industry]),
);
