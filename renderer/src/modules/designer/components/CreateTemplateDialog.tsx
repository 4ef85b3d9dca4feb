import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TemplateDraft } from '../../../../../shared/templates/admin';
import { createTemplateRequest } from '../../../../../shared/templates/admin';
import {
  CATEGORY_SOURCE,
  TEMPLATE_ENTITIES,
  type TemplateEntity,
} from '../../../../../shared/templates/schema';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { Dialog, FormField, FormFooter } from '../../../ui';
import { AdminErrorBanner } from './AdminErrorBanner';
import { useDiscardLabels } from '../../../i18n/useDiscardLabels';

/**
 * A new, unpublished template for a record type and, for customers and leads, an industry (blank: the
 * type's default template). One template per (type, industry): a pair that exists already is refused
 * here, before the server would.
 */
export function CreateTemplateDialog({
  existing,
  onClose,
  onCreated,
}: {
  existing: readonly TemplateDraft[];
  onClose: () => void;
  onCreated: (id: string) => void;
}) {
  const { t } = useTranslation();
  const discardLabels = useDiscardLabels();
  const [entity, setEntity] = useState<TemplateEntity>('customer');
  const [category, setCategory] = useState('');
  const [nameZh, setNameZh] = useState('');
  const [nameEn, setNameEn] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<AppErrorData | null>(null);
  const byCategory = CATEGORY_SOURCE[entity] !== null;
  const parsed = createTemplateRequest.safeParse({
    entity,
    category: byCategory ? category : null,
    nameZh,
    nameEn,
  });
  const taken =
    parsed.success && existing.some((x) => x.entity === entity && x.category === parsed.data.category);
  const problem = (field: 'nameZh' | 'nameEn' | 'category') => {
    if (!submitted) return null;
    if (field === 'category' && taken) return t('designer.templateExists');
    if (!parsed.success && parsed.error.issues.some((i) => i.path[0] === field))
      return t('validation.required');
    return null;
  };

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setSubmitted(true);
    if (!parsed.success || taken || saving) return;
    setSaving(true);
    setServerError(null);
    try {
      const { id } = await getApi().call('admin.templates.create', parsed.data);
      onCreated(id);
    } catch (err) {
      setServerError(toAppErrorData(err));
      setSaving(false);
    }
  };

  return (
    <Dialog
      title={t('designer.newTemplate')}
      onClose={onClose}
      closeLabel={t('common.close')}
      discard={discardLabels}
      width={520}
    >
      <form
        className="tp-form"
        data-testid="designer-create-form"
        noValidate
        onSubmit={(e) => void submit(e)}
      >
        {serverError ? <AdminErrorBanner error={serverError} testId="designer-create-error" /> : null}
        <div className="tp-form__row">
          <FormField name="entity" id="designer-create-entity" label={t('designer.entity')}>
            {(c) => (
              <select
                className="tp-input tp-select"
                value={entity}
                onChange={(e) => setEntity(e.target.value as TemplateEntity)}
                data-testid="designer-create-entity"
                data-autofocus
                {...c}
              >
                {TEMPLATE_ENTITIES.map((x) => (
                  <option key={x} value={x}>
                    {t(`designer.entities.${x}`)}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          {byCategory ? (
            <FormField
              name="category"
              id="designer-create-category"
              label={t('designer.category')}
              hint={t('designer.categoryHint')}
              error={problem('category')}
            >
              {(c) => (
                <input
                  className="tp-input"
                  placeholder={t('designer.categoryPlaceholder')}
                  value={category}
                  onChange={(e) => setCategory(e.target.value)}
                  data-testid="designer-create-category"
                  {...c}
                />
              )}
            </FormField>
          ) : (
            <p className="tp-designer__note">{t('designer.oneTemplate')}</p>
          )}
        </div>
        <div className="tp-form__row">
          <FormField
            name="nameZh"
            id="designer-create-nameZh"
            label={t('designer.nameZh')}
            error={problem('nameZh')}
          >
            {(c) => (
              <input
                className="tp-input"
                lang="zh-CN"
                placeholder={t('designer.nameZhPlaceholder')}
                value={nameZh}
                onChange={(e) => setNameZh(e.target.value)}
                data-testid="designer-create-nameZh"
                {...c}
              />
            )}
          </FormField>
          <FormField
            name="nameEn"
            id="designer-create-nameEn"
            label={t('designer.nameEn')}
            error={problem('nameEn')}
          >
            {(c) => (
              <input
                className="tp-input"
                lang="en"
                placeholder={t('designer.nameEnPlaceholder')}
                value={nameEn}
                onChange={(e) => setNameEn(e.target.value)}
                data-testid="designer-create-nameEn"
                {...c}
              />
            )}
          </FormField>
        </div>
        <FormFooter
          cancelLabel={t('common.cancel')}
          onCancel={onClose}
          submitLabel={t('designer.create')}
          busy={saving}
          submitTestId="designer-create-submit"
        />
      </form>
    </Dialog>
  );
}
