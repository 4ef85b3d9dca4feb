import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import type { DesktopBridge } from '../../shared/api/bridge';
import type { TemplateShape } from '../../shared/templates/schema';
import { initI18n } from '../src/i18n';
import { DynamicForm } from '../src/modules/templates/components/DynamicForm';
import { useAttrForm } from '../src/modules/templates/hooks/useAttrForm';
import '../src/styles/tokens.css';
import '../src/styles/base.css';
import '../src/ui/ui.css';
import '../src/styles/app.css';
import '../src/styles/templates.css';
import { BENCH_LISTS, benchShape } from './benchTemplate';

/**
 * The page `bench/suites/formRender.ts` loads in Chromium: it mounts the renderer's dynamic form over a
 * 60-field template and times mount → first paint, alternating with a reference that builds the same 60
 * labelled controls with raw DOM calls (same classes, so the same CSS and layout work). "Painted" is
 * the first task after the next animation frame, which runs once the frame is presented.
 */

declare global {
  interface Window {
    __formBench?: { form: number[]; raw: number[]; fields: number; shown: number } | { error: string };
  }
}

// No client core here: the form's user field asks for the org's people, which this stub answers.
const stub: DesktopBridge = {
  invoke: (channel) => Promise.resolve({ ok: true, data: (channel === 'users.list' ? [] : null) as never }),
  onEvent: () => () => undefined,
};
window.api = stub;
initI18n('zh-CN');

const shape = benchShape();

function BenchForm({ shape: s }: { shape: TemplateShape }) {
  const form = useAttrForm({
    shape: s,
    versionId: null,
    mode: 'create',
    previous: null,
    optionLists: BENCH_LISTS,
  });
  return <DynamicForm form={form} />;
}

/** Resolves with the time of the first task after the next frame is presented. */
function painted(): Promise<number> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(performance.now());
      channel.port2.postMessage(null);
    });
  });
}

async function settle(): Promise<void> {
  await painted();
  await painted();
}

/** The reference: the same labelled controls, by hand, with the form's classes. */
function rawForm(host: HTMLElement, s: TemplateShape): void {
  const defs = new Map(s.fields.map((f) => [f.key, f]));
  const form = document.createElement('div');
  form.className = 'tp-attrform';
  for (const section of s.sections) {
    const sec = document.createElement('section');
    sec.className = 'tp-attrform__section';
    const h = document.createElement('h3');
    h.className = 'tp-attrform__title';
    h.textContent = section.labelZh;
    const grid = document.createElement('div');
    grid.className = 'tp-attrform__grid';
    for (const p of section.fields) {
      const def = defs.get(p.field);
      if (!def) continue;
      const cell = document.createElement('div');
      cell.className = `tp-attrform__cell tp-attrform__cell--${p.width}`;
      const field = document.createElement('div');
      field.className = 'tp-field';
      const label = document.createElement('label');
      label.className = 'tp-field__label';
      label.htmlFor = `raw-${def.key}`;
      label.textContent = def.labelZh;
      let control: HTMLElement;
      if (def.type === 'select' || def.type === 'user') {
        const select = document.createElement('select');
        select.className = 'tp-input tp-select';
        for (const o of BENCH_LISTS[0]?.values ?? []) select.add(new Option(o.labelZh, o.key));
        control = select;
      } else if (def.type === 'longText') {
        control = document.createElement('textarea');
        control.className = 'tp-input tp-textarea';
      } else {
        const input = document.createElement('input');
        input.className = 'tp-input';
        input.type = def.type === 'date' ? 'date' : def.type === 'datetime' ? 'datetime-local' : 'text';
        control = input;
      }
      control.id = `raw-${def.key}`;
      field.append(label, control);
      cell.append(field);
      grid.append(cell);
    }
    sec.append(h, grid);
    form.append(sec);
  }
  host.append(form);
}

async function run(): Promise<void> {
  const runs = Number(new URLSearchParams(location.search).get('runs') ?? '30');
  const host = document.getElementById('bench');
  if (!host) throw new Error('no #bench');
  const formTimes: number[] = [];
  const rawTimes: number[] = [];
  let shown = 0;
  const warmup = 3;
  for (let i = 0; i < runs + warmup; i++) {
    // React: mount the dynamic form, then wait for it to be on screen.
    const box = document.createElement('div');
    host.append(box);
    const root = createRoot(box);
    await settle();
    const t0 = performance.now();
    flushSync(() => root.render(<BenchForm shape={shape} />));
    const t1 = await painted();
    shown = box.querySelectorAll('[data-testid^="attr-field-"]').length;
    root.unmount();
    box.remove();
    await settle();
    // Reference: the same controls from raw DOM calls.
    const r0 = performance.now();
    rawForm(host, shape);
    const r1 = await painted();
    host.replaceChildren();
    await settle();
    if (i >= warmup) {
      formTimes.push(t1 - t0);
      rawTimes.push(r1 - r0);
    }
  }
  window.__formBench = { form: formTimes, raw: rawTimes, fields: shape.fields.length, shown };
}

run().catch((err: unknown) => {
  window.__formBench = { error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
});
