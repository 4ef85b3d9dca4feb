import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldDef, TemplateLayout, TemplateShape } from '../../../../../shared/templates/schema';
import { useAppStore } from '../../../app/store';
import { Button, Icon } from '../../../ui';
import { DynamicForm } from '../../templates/components/DynamicForm';
import { useAttrForm } from '../../templates/hooks/useAttrForm';
import { useTemplateDefinitions, useUserDirectory } from '../../templates/hooks/useTemplates';
import { sampleValues } from '../utils/sampleData';

/**
 * The draft as a rep will see it, live: the same dynamic form the record dialogs use, over sample
 * values (or empty, to try required fields and conditions). Typing in it changes nothing but the
 * preview.
 */
export function DesignerPreview({
  layout,
  library,
  name,
}: {
  layout: TemplateLayout;
  library: readonly FieldDef[];
  name: string;
}) {
  const { t } = useTranslation();
  const [withSample, setWithSample] = useState(true);
  // Each restart (sample on/off, "reset") gives the form fresh state.
  const [run, setRun] = useState(0);
  return (
    <aside
      className="tp-card tp-preview"
      data-testid="designer-preview"
      aria-label={t('designer.preview.title')}
    >
      <header className="tp-card__header tp-preview__head">
        <h2 className="tp-card__title">
          <Icon name="eye" size={16} />
          {t('designer.preview.title')}
        </h2>
        <div className="tp-preview__tools">
          <label className="tp-switch">
            <input
              type="checkbox"
              checked={withSample}
              onChange={(e) => {
                setWithSample(e.target.checked);
                setRun((n) => n + 1);
              }}
              data-testid="preview-sample"
            />
            <span>{t('designer.preview.sample')}</span>
          </label>
          <Button
            size="sm"
            variant="ghost"
            icon="undo"
            onClick={() => setRun((n) => n + 1)}
            data-testid="preview-reset"
          >
            {t('designer.preview.reset')}
          </Button>
        </div>
      </header>
      <div className="tp-preview__frame">
        <p className="tp-preview__name">{name}</p>
        <PreviewForm key={`${run}:${withSample}`} layout={layout} library={library} withSample={withSample} />
      </div>
    </aside>
  );
}

function PreviewForm({
  layout,
  library,
  withSample,
}: {
  layout: TemplateLayout;
  library: readonly FieldDef[];
  withSample: boolean;
}) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const { optionLists } = useTemplateDefinitions();
  const { users } = useUserDirectory();
  const shape = useMemo<TemplateShape>(() => {
    const placed = new Set(layout.sections.flatMap((s) => s.fields.map((f) => f.field)));
    return { sections: layout.sections, fields: library.filter((f) => placed.has(f.key)) };
  }, [layout, library]);
  // Sample values are fixed when the preview (re)starts, so editing the layout does not reset them.
  const [sample] = useState(() => (withSample ? sampleValues(shape, optionLists, users, locale) : null));
  const form = useAttrForm({
    shape,
    versionId: null,
    mode: withSample ? 'update' : 'create',
    previous: sample,
    optionLists,
    idPrefix: 'preview',
  });
  if (shape.fields.length === 0) {
    return <p className="tp-preview__empty">{t('designer.preview.empty')}</p>;
  }
  return (
    <form
      className="tp-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        form.markSubmitted();
      }}
    >
      <DynamicForm form={form} testId="preview-form" showRetired={false} narrow />
      <div className="tp-preview__foot">
        <span className="tp-preview__verdict" data-testid="preview-verdict" data-valid={form.valid}>
          {form.valid ? (
            <>
              <Icon name="check" size={13} />
              {t('designer.preview.valid')}
            </>
          ) : (
            <>
              <Icon name="alert" size={13} />
              {t('designer.preview.invalid')}
            </>
          )}
        </span>
        <Button type="submit" size="sm" data-testid="preview-check">
          {t('designer.preview.check')}
        </Button>
      </div>
    </form>
  );
}
