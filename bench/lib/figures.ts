import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * One measured figure of `npm run bench`, with the reference measured beside it in the same run (these
 * machines are noisy: a figure is only meaningful next to its reference). `ratio` = value / reference.
 * The JSON file (`--json FILE`) holds exactly these five keys per figure.
 */
export type Figure = {
  name: string;
  value: number;
  unit: string;
  reference: number | null;
  ratio: number | null;
};

/** What the table prints beside a figure: what the reference is, and the target from issue 3. */
export type FigureNote = {
  referenceLabel: string;
  /** Human form of the target, e.g. "≥ 0.4". */
  target: string;
  /** True when the figure meets its target; null for a figure logged beside one, without a target. */
  meets: ((value: number) => boolean) | null;
};

export type Measured = Figure & FigureNote;

/** Builds a figure with its ratio; a zero or missing reference gives no ratio rather than Infinity. */
export function figure(
  name: string,
  value: number,
  unit: string,
  reference: number | null,
  note: FigureNote,
): Measured {
  const ratio = reference === null || reference === 0 ? null : value / reference;
  return { name, value, unit, reference, ratio, ...note };
}

/**
 * The p-th percentile (0–100) of samples by the nearest-rank method: the smallest sample with at least
 * p% of the samples at or below it. Nearest-rank never invents a value between two samples, so a p99 is
 * a latency some request really had.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile: no samples');
  if (!(p > 0 && p <= 100)) throw new Error(`percentile: p must be in (0, 100], got ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** Rounds for display and for the JSON file: 3 significant digits, integers above 1,000. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 1000) return Math.round(value);
  return Number(value.toPrecision(3));
}

function show(value: number | null): string {
  if (value === null) return '–';
  const r = round(value);
  return Math.abs(r) >= 1000 ? r.toLocaleString('en-US') : String(r);
}

/** The table `npm run bench` prints: one line per figure, with its reference, ratio and target. */
export function formatTable(figures: readonly Measured[]): string {
  const header = ['figure', 'value', 'unit', 'reference', 'ratio', 'target', 'ok'];
  const rows = figures.map((f) => [
    f.name,
    show(f.value),
    f.unit,
    f.reference === null ? '–' : `${show(f.reference)} (${f.referenceLabel})`,
    show(f.ratio),
    f.target,
    f.meets === null ? '–' : f.meets(f.value) ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 || i === 4 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Writes `{"figures":[{name, value, unit, reference, ratio}]}` (rounded), creating the folder. */
export function writeFiguresJson(file: string, figures: readonly Measured[]): void {
  const out = {
    figures: figures.map((f) => ({
      name: f.name,
      value: round(f.value),
      unit: f.unit,
      reference: f.reference === null ? null : round(f.reference),
      ratio: f.ratio === null ? null : round(f.ratio),
    })),
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
}
