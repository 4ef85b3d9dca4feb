import type { TemplateEntity } from '../../../../../shared/templates/schema';
import { isEmptyValue, visibleFieldKeys } from '../../../../../shared/templates/validate';
import { useAppStore } from '../../../app/store';
import { useTemplateDefinitions, useTemplateFor, useUserDirectory } from '../hooks/useTemplates';
import { placedKeys } from '../utils/attrForm';
import { labelOf } from '../utils/attrFormat';
import { AttrValue } from './AttrValueGrid';

/**
 * A record's filled-in template values in one quiet line ("拜访目的 产品演示 · 意向 ★★★★"), for rows of
 * a list (contacts, follow-ups, opportunities): the fields its template shows, in the template's order,
 * at most `max` of them. Nothing when there is nothing to show.
 */
export function AttrSummary({
  entity,
  attrs,
  max = 4,
  testId = 'attr-summary',
}: {
  entity: TemplateEntity;
  attrs: Readonly<Record<string, unknown>>;
  max?: number;
  testId?: string;
}) {
  const locale = useAppStore((s) => s.locale);
  const version = useTemplateFor(entity);
  const { optionLists } = useTemplateDefinitions();
  const needsUsers = version?.fields.some((f) => f.type === 'user') ?? false;
  const directory = useUserDirectory(needsUsers);
  if (!version || Object.keys(attrs).length === 0) return null;
  const visible = visibleFieldKeys(version, attrs);
  const defs = new Map(version.fields.map((f) => [f.key, f]));
  const shown = placedKeys(version)
    .filter((k) => visible.has(k) && !isEmptyValue(attrs[k]) && defs.get(k)?.type !== 'longText')
    .slice(0, max);
  if (shown.length === 0) return null;
  const ctx = { locale, optionLists, userName: directory.userName, compact: true };
  return (
    <dl className="tp-attrsummary" data-testid={testId}>
      {shown.map((k) => {
        const def = defs.get(k);
        if (!def) return null;
        return (
          <div key={k} className="tp-attrsummary__item" data-testid={`attr-summary-${k}`}>
            <dt>{labelOf(def, locale)}</dt>
            <dd>
              <AttrValue def={def} value={attrs[k]} ctx={ctx} />
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
