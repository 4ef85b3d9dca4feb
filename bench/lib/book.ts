import { normalizeCompanyName } from '../../shared/domain/validators';
import { BRANDS, BUSINESSES, INDUSTRY_OF, PLACES } from './demoWords';

/**
 * A rep's book of customers as the demo seed makes them (server/src/seed/demo.ts: place + brand +
 * business + 有限公司, e.g. 上海浦东恒瑞精密机械有限公司), generated in memory for the local figures. Names
 * are unique after normalisation, as the server requires; past the single-brand combinations, two brand
 * words are used (the demo seed does the same for large seeds). Deterministic for a seed.
 */
export type BookCustomer = {
  name: string;
  shortName: string;
  phone: string;
  industry: string;
  region: string;
};

/** mulberry32: small, fast, and the same numbers on every machine. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  return { next, int, pick };
}
export type Random = ReturnType<typeof createRandom>;

const MOBILE_PREFIXES = ['134', '135', '136', '137', '138', '139', '150', '151', '158', '159', '186', '188'];

export function generateBook(count: number, seed = 20_240_601): BookCustomer[] {
  const r = createRandom(seed);
  const names = new Set<string>();
  const phones = new Set<string>();
  const out: BookCustomer[] = [];
  while (out.length < count) {
    const place = r.pick(PLACES);
    const business = r.pick(BUSINESSES);
    let brand = r.pick(BRANDS);
    let name: string;
    for (let attempt = 0; ; attempt++) {
      const brandWord = attempt < 5 ? brand : brand + r.pick(BRANDS);
      name = `${place.prefix}${brandWord}${business}${r.next() < 0.15 ? '股份有限公司' : '有限公司'}`;
      if (!names.has(normalizeCompanyName(name))) break;
      brand = r.pick(BRANDS);
    }
    names.add(normalizeCompanyName(name));
    const mobile = () => `${r.pick(MOBILE_PREFIXES)}${String(r.int(0, 99_999_999)).padStart(8, '0')}`;
    let phone = mobile();
    while (phones.has(phone)) phone = mobile();
    phones.add(phone);
    out.push({
      name,
      shortName: brand + business.slice(0, 2),
      phone,
      industry: INDUSTRY_OF.get(business) ?? '其他',
      region: place.region,
    });
  }
  return out;
}

/**
 * What reps type into the search box: a 2–4 character substring of a real name (most Chinese company
 * searches are a brand of two characters, "恒瑞"; many hit "有限", "公司", "科技" that nearly every name
 * has), or a 4–7 digit fragment of a phone.
 */
export function searchQueries(book: readonly BookCustomer[], count: number, seed = 7): string[] {
  const r = createRandom(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const c = r.pick(book);
    if (r.next() < 0.2) {
      const len = r.int(4, 7);
      const start = r.int(0, c.phone.length - len);
      out.push(c.phone.slice(start, start + len));
    } else {
      const chars = [...c.name];
      const len = r.int(2, 4);
      const start = r.int(0, chars.length - len);
      out.push(chars.slice(start, start + len).join(''));
    }
  }
  return out;
}
