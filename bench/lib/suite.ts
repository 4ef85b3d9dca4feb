import type { Measured } from './figures';

export type SuiteContext = {
  /** Smaller sizes for a smoke run CI can afford (`--quick`). */
  quick: boolean;
  log(message: string): void;
};

/** A group of figures measured together (they share a seeded database and a server). */
export type Suite = {
  /** The figure names it produces; `--only <prefix>` runs a suite when one of them starts with the prefix. */
  figures: readonly string[];
  run(ctx: SuiteContext): Promise<Measured[]>;
};

/** Seconds since `started` (a performance.now() value). */
export function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}

/** Fails loudly when a bounded loop runs past its time budget instead of hanging the bench. */
export function deadline(label: string, budgetMs: number): () => void {
  const until = performance.now() + budgetMs;
  return () => {
    if (performance.now() > until)
      throw new Error(`${label}: exceeded its ${Math.round(budgetMs / 1000)} s budget`);
  };
}

/**
 * The suites `--only <prefix>` selects: those with a figure that starts with the prefix (`server.`), or
 * that the prefix starts with (`server.push.mutations_per_s.x` still finds its suite).
 */
export function selectSuites(suites: readonly Suite[], only: string | undefined): Suite[] {
  if (!only) return [...suites];
  return suites.filter((s) => s.figures.some((f) => f.startsWith(only) || only.startsWith(f)));
}
