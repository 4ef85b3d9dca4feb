import { useTranslation } from 'react-i18next';
import type { TemplateVersionRow } from '../../../../../shared/templates/schema';
import { useAppStore } from '../../../app/store';
import { Icon } from '../../../ui';
import type { AttrFormController } from '../hooks/useAttrForm';
import { useTemplateDefinitions } from '../hooks/useTemplates';
import { DynamicForm } from './DynamicForm';

/**
 * A record dialog's template part (new customer, contact, lead, opportunity, follow-up): a quiet heading
 * naming the template, then the dynamic form. Nothing at all when the org published no template for the
 * entity: the dialog is then exactly what it was before templates.
 */
export function ProfileFormSection({
  form,
  version,
  title,
}: {
  form: AttrFormController;
  version: TemplateVersionRow | null;
  /** The heading ("业务档案"); the template's name follows it. */
  title?: string;
}) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const { catalog } = useTemplateDefinitions();
  if (!version || version.sections.every((s) => s.fields.length === 0)) return null;
  const name = locale === 'en' ? version.nameEn : version.nameZh;
  return (
    <div className="tp-profilepart" data-testid="profile-part" data-template={version.templateId}>
      <div className="tp-profilepart__head">
        <Icon name="form" size={14} />
        <span className="tp-profilepart__title">{title ?? t('templates.profile')}</span>
        <span className="tp-profilepart__name" title={t('templates.versionOf', { name, n: version.number })}>
          {name}
        </span>
      </div>
      <DynamicForm form={form} library={catalog?.fields} />
    </div>
  );
}
