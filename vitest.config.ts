import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'scripts/**/*.test.ts',
      'bench/**/*.test.ts',
      'shared/**/*.test.ts',
      'electron/**/*.test.ts',
      'server/**/*.test.ts',
      'renderer/**/*.test.ts',
    ],
    // PGlite starts in ~1–5 s per instance (TOOLCHAIN.md); sync property tests run many rounds.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
