import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../shared/errors';
import { FOLLOW_UP_TYPES } from '../../../shared/domain/rows';
import { en } from './en';
import { describeError, errorKey, fieldLabel } from './errors';
import { zhCN } from './zh-CN';

type Tree = { [k: string]: string | Tree };

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`),
  );
}

function lookup(tree: Tree, key: string): string | undefined {
  let node: string | Tree | undefined = tree;
  for (const part of key.split('.')) {
    if (typeof node !== 'object') return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/** A tiny `t` over one resource tree, enough to test the helpers without i18next. */
function fakeT(tree: Tree) {
  const t = (key: string, params: Record<string, unknown> = {}) =>
    (lookup(tree, key) ?? key).replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(params[name] ?? ''));
  return { t: t as never, exists: (key: string) => lookup(tree, key) !== undefined };
}

describe('translations', () => {
  it('have the same keys in both languages', () => {
    expect(keys(en as Tree).sort()).toEqual(keys(zhCN as unknown as Tree).sort());
  });

  it('have no empty string', () => {
    for (const tree of [en as Tree, zhCN as unknown as Tree]) {
      for (const k of keys(tree)) expect(lookup(tree, k), k).not.toBe('');
    }
  });

  it('translate every error code and every follow-up type', () => {
    for (const tree of [en as Tree, zhCN as unknown as Tree]) {
      for (const code of ERROR_CODES) expect(lookup(tree, `errors.${code}`), code).toBeTruthy();
      for (const type of FOLLOW_UP_TYPES) expect(lookup(tree, `followUp.types.${type}`), type).toBeTruthy();
    }
  });

  it('use the same placeholders in both languages', () => {
    for (const k of keys(en as Tree)) {
      const ph = (s: string | undefined) => [...(s ?? '').matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
      expect(ph(lookup(en as Tree, k)), k).toEqual(ph(lookup(zhCN as unknown as Tree, k)));
    }
  });
});

describe('error helpers', () => {
  it('maps unknown codes to a generic message', () => {
    expect(errorKey('duplicate')).toBe('errors.duplicate');
    expect(errorKey('teapot')).toBe('errors.unknown');
  });

  it('names the field in the user language', () => {
    const { t, exists } = fakeT(zhCN as unknown as Tree);
    expect(fieldLabel(t, exists, 'content')).toBe('跟进内容');
    expect(fieldLabel(t, exists, 'set.phone')).toBe('电话');
    expect(fieldLabel(t, exists, 'serverUrl')).toBe('服务器地址');
    expect(fieldLabel(t, exists, 'mystery')).toBe('mystery');
  });

  it('describes an error with its translated code and field', () => {
    const zh = fakeT(zhCN as unknown as Tree);
    expect(describeError(zh.t, zh.exists, { code: 'validation', message: 'x', field: 'content' })).toBe(
      '跟进内容：输入有误',
    );
    const e = fakeT(en as Tree);
    expect(describeError(e.t, e.exists, { code: 'offline', message: 'fetch failed' })).toBe(
      'Cannot reach the server',
    );
    expect(describeError(e.t, e.exists, { code: 'not_found', message: 'x', field: 'customerId' })).toBe(
      'Customer: Not found',
    );
  });
});
