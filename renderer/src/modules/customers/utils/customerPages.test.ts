import { describe, expect, it } from 'vitest';
import { pagesForRange, pagesToFetch, rowAt, type CustomerPage } from './customerPages';

const row = (n: number) => ({ id: String(n) }) as unknown as CustomerPage['rows'][number];

describe('customer pages', () => {
  it('finds the pages covering a visible range', () => {
    expect(pagesForRange(0, 0)).toEqual([0]);
    expect(pagesForRange(95, 130)).toEqual([0, 1]);
    expect(pagesForRange(250, 420)).toEqual([2, 3, 4]);
    expect(pagesForRange(5, 3)).toEqual([]);
  });

  it('reads a row by absolute index', () => {
    const pages = { 1: { epoch: 0, rows: [row(100), row(101)] } };
    expect(rowAt(pages, 101)?.id).toBe('101');
    expect(rowAt(pages, 5)).toBeUndefined();
  });

  it('fetches missing and stale pages once', () => {
    const pages = { 0: { epoch: 2, rows: [] }, 1: { epoch: 1, rows: [] } };
    expect(pagesToFetch([0, 1, 2], pages, 2, new Set(), 7)).toEqual([1, 2]);
    expect(pagesToFetch([0, 1, 2], pages, 2, new Set(['7:2:1']), 7)).toEqual([2]);
  });
});
