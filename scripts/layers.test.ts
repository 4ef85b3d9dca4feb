import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The layer rules of STYLE.md §2 must fail the lint on a crossing; these prove each ban bites. */
const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('layer rules', () => {
  it.each([
    ['shared/domain/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
    ['shared/domain/x.ts', "import Database from 'better-sqlite3';\nexport const x = Database;\n"],
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n"],
    [
      'renderer/src/x.ts',
      "import { createClientCore } from '../../electron/main/core';\nexport const x = createClientCore;\n",
    ],
    ['electron/main/core/x.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['server/src/x.ts', "import { x as y } from '../../renderer/src/x';\nexport const x = y;\n"],
  ])('%s may not import across layers: %s', async (file, code) => {
    expect(await ruleIds(file, code)).toContain('no-restricted-imports');
  });

  it('allows the imports each layer is meant to use', async () => {
    expect(
      await ruleIds(
        'renderer/src/x.ts',
        "import { newId } from '../../shared/ids';\nexport const x = newId;\n",
      ),
    ).toEqual([]);
    expect(
      await ruleIds('electron/main/core/x.ts', "import { join } from 'node:path';\nexport const x = join;\n"),
    ).toEqual([]);
  });
});
