import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatTable, writeFiguresJson, type Measured } from './lib/figures';
import { setServerProfileDir } from './lib/postgres';
import { selectSuites, type Suite } from './lib/suite';
import { devices200 } from './suites/devices200';
import { initialSync } from './suites/initialSync';
import { instances2 } from './suites/instances2';
import { localRead } from './suites/localRead';
import { localWrite } from './suites/localWrite';
import { reactivation } from './suites/reactivation';
import { recycle } from './suites/recycle';
import { serverPush } from './suites/serverPush';
import { templateFilter } from './suites/templateFilter';

/** Every suite, in the order they run (cheapest first, so a --quick smoke fails fast). */
export const SUITES: readonly Suite[] = [
  localWrite,
  localRead,
  templateFilter,
  (await import('./suites/formRender')).formRender,
  serverPush,
  devices200,
  instances2,
  reactivation,
  recycle,
  initialSync,
];

const USAGE = `npm run bench -- [--quick] [--only <figure prefix>] [--json FILE] [--prof DIR]
  --quick   smaller sizes: a smoke run CI can afford (full sizes by default)
  --only    run only the figures whose name starts with the prefix, e.g. --only server.
  --json    also write {"figures":[{name,value,unit,reference,ratio}]} to FILE
  --prof    server processes write V8 CPU profiles (--cpu-prof) into DIR`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      json: { type: 'string' },
      prof: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  setServerProfileDir(values.prof ? resolve(values.prof) : null);
  const suites = selectSuites(SUITES, values.only);
  if (suites.length === 0) {
    console.error(`--only ${values.only}: no figure starts with it\n${USAGE}`);
    return 2;
  }
  const figures: Measured[] = [];
  let failed = 0;
  for (const suite of suites) {
    const label = suite.figures.join(', ');
    // These machines are shared: the load average says how much a figure's run was disturbed.
    const load = loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
    console.error(`\n▶ ${label}${values.quick ? ' (quick)' : ''}  [load average ${load}]`);
    const started = performance.now();
    try {
      const measured = await suite.run({ quick: values.quick, log: (m) => console.error(`  ${m}`) });
      figures.push(
        ...measured.filter(
          (f) => !values.only || f.name.startsWith(values.only) || values.only.startsWith(f.name),
        ),
      );
    } catch (err) {
      failed += 1;
      console.error(`  FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    console.error(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  console.log(`\n${formatTable(figures)}`);
  if (values.json) {
    writeFiguresJson(resolve(values.json), figures);
    console.error(`\nwrote ${values.json}`);
  }
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
