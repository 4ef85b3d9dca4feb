import { describe, expect, it } from 'vitest';
import { field, shapeOf, versionOf } from '../../templates/utils/testShapes';
import {
  availableAttrColumns,
  columnPrefsKey,
  readColumnPrefs,
  shownAttrColumns,
  toggleColumn,
  writeColumnPrefs,
} from './attrColumns';

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    data,
  };
}

describe('customer table columns from templates', () => {
  const base = versionOf(shapeOf([field('revenue', 'money', { searchable: true }), field('note', 'text')]));
  const machines = versionOf(
    shapeOf([
      field('capacity', 'number', { searchable: true }),
      field('revenue', 'money', { searchable: true }),
    ]),
    {
      id: '0196b3f2-7c1e-7a3b-9c2d-0000000000aa',
      templateId: '0196b3f2-7c1e-7a3b-9c2d-0000000000ab',
      category: '机械制造',
    },
  );
  const contact = versionOf(shapeOf([field('hobby', 'text', { searchable: true })]), { entity: 'contact' });

  it('offers the searchable fields of every customer template, each once', () => {
    expect(availableAttrColumns([machines, base, contact]).map((f) => f.key)).toEqual([
      'revenue',
      'capacity',
    ]);
  });

  it('keeps the choice per user and survives storage that fails', () => {
    const s = memoryStorage();
    writeColumnPrefs(s, 'u1', ['capacity', 'revenue']);
    expect(s.data.get(columnPrefsKey('u1'))).toBe('["capacity","revenue"]');
    expect(readColumnPrefs(s, 'u1')).toEqual(['capacity', 'revenue']);
    expect(readColumnPrefs(s, 'u2')).toEqual([]);
    s.data.set(columnPrefsKey('u3'), '{bad json');
    expect(readColumnPrefs(s, 'u3')).toEqual([]);
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('full');
      },
    };
    expect(readColumnPrefs(broken, 'u1')).toEqual([]);
    expect(() => writeColumnPrefs(broken, 'u1', ['x'])).not.toThrow();
  });

  it('shows chosen columns still offered, in the chosen order', () => {
    const available = availableAttrColumns([machines, base]);
    expect(shownAttrColumns(['gone', 'capacity', 'revenue'], available).map((f) => f.key)).toEqual([
      'capacity',
      'revenue',
    ]);
    expect(toggleColumn(['a'], 'b')).toEqual(['a', 'b']);
    expect(toggleColumn(['a', 'b'], 'a')).toEqual(['b']);
  });
});
