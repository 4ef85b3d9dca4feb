import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { figure, formatTable, percentile, writeFiguresJson } from './figures';
import { selectSuites, type Suite } from './suite';

const note = { referenceLabel: 'raw', target: '< 2 ms', meets: (v: number) => v < 2 };

describe('bench figures', () => {
  it('takes nearest-rank percentiles: a p95 is a latency some write really had', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(percentile(samples, 95)).toBe(95);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile([5, 1, 3], 50)).toBe(3);
    // Of 10 samples only 90% are ≤ the 9th: the p91 must be the 10th, never rounded down to the 9th.
    expect(percentile([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 91)).toBe(10);
    // One slow outlier in 20 is the p95 of 20 samples, not hidden by averaging.
    expect(percentile([...Array<number>(19).fill(1), 40], 95)).toBe(1);
    expect(percentile([...Array<number>(18).fill(1), 40, 40], 95)).toBe(40);
    expect(() => percentile([], 95)).toThrow(/no samples/);
  });

  it('puts value / reference in ratio, and none for a zero reference', () => {
    expect(figure('a', 0.5, 'ms', 0.25, note).ratio).toBe(2);
    expect(figure('b', 3, 'errors', 0, note).ratio).toBeNull();
    expect(figure('c', 3, 'errors', null, note).ratio).toBeNull();
  });

  it('writes exactly {figures:[{name,value,unit,reference,ratio}]} with rounded numbers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidepool-bench-test-'));
    try {
      const file = join(dir, 'nested', 'out.json');
      writeFiguresJson(file, [figure('local.follow_up_write.p95_ms', 1.23456, 'ms', 0.0351234, note)]);
      const json = JSON.parse(readFileSync(file, 'utf8')) as { figures: Record<string, unknown>[] };
      expect(json).toEqual({
        figures: [
          { name: 'local.follow_up_write.p95_ms', value: 1.23, unit: 'ms', reference: 0.0351, ratio: 35.1 },
        ],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints one row per figure with its reference, and flags a missed target', () => {
    const table = formatTable([
      figure('local.follow_up_write.p95_ms', 2.5, 'ms', 0.03, note),
      figure('server.push.mutations_per_s', 4548.2, 'mutations/s', 60383, {
        referenceLabel: 'raw PG',
        target: '≥ 3,000',
        meets: (v) => v >= 3000,
      }),
    ]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^local\.follow_up_write\.p95_ms\s+2\.5\s+ms\s+0\.03 \(raw\).*NO\s*$/);
    expect(lines[3]).toMatch(/4,548\s+mutations\/s\s+60,383 \(raw PG\).*yes\s*$/);
  });

  it('--only selects suites by figure prefix', () => {
    const suite = (...figures: string[]): Suite => ({ figures, run: () => Promise.resolve([]) });
    const suites = [
      suite('local.follow_up_write.p95_ms'),
      suite('server.push.mutations_per_s'),
      suite('server.devices200.errors'),
    ];
    expect(selectSuites(suites, undefined)).toHaveLength(3);
    expect(selectSuites(suites, 'server.').map((s) => s.figures[0])).toEqual([
      'server.push.mutations_per_s',
      'server.devices200.errors',
    ]);
    expect(selectSuites(suites, 'local')).toEqual([suites[0]]);
    expect(selectSuites(suites, 'nothing')).toEqual([]);
  });
});
