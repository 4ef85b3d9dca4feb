import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerRow } from '../../../../../shared/domain/rows';
import type { AppErrorData } from '../../../../../shared/errors';
import { isEmptyValue } from '../../../../../shared/templates/validate';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { useErrorText } from '../../../i18n/useErrorText';
import { Button, ErrorBanner, hasModKey, Icon, ShortcutHint, Skeleton } from '../../../ui';
import { useRecordProfile } from '../hooks/useRecordProfile';
import { useTemplateDefinitions, useTemplateFor } from '../hooks/useTemplates';
import { retiredKeys } from '../utils/attrForm';
import { AttrValueGrid } from './AttrValueGrid';
import { DynamicForm } from './DynamicForm';
import { RetiredValues } from './RetiredValues';

type ProfileRecord = Pick<CustomerRow, 'id' | 'kind' | 'industry' | 'attrs' | 'templateVersionId'>;

/**
 * A customer's (or lead's) business profile on its detail page (SPEC §9): the template of its industry,
 * read as a grid of values; "编辑" turns the card into the form. Saving sends only the changed keys in
 * `set.attrs`, with the values this device showed in `base.attrs`, so a colleague's edit of another
 * attribute survives and a race on the same one becomes a conflict in the inbox.
 */
export function BusinessProfileCard({ record, onSaved }: { record: ProfileRecord; onSaved: () => void }) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const { loaded, catalog, optionLists } = useTemplateDefinitions();
  const entity = record.kind === 'lead' ? 'lead' : 'customer';
  // What the user saw when they started editing: the form's starting values and the edit's `base`.
  const [editing, setEditing] = useState<{ seen: Record<string, unknown> } | null>(null);
  const picked = useTemplateFor(entity, record);
  const hasRetired = retiredKeys(picked, record.attrs).length > 0;

  if (!loaded) {
    return (
      <section className="tp-card" aria-busy="true">
        <div className="tp-card__body">
          <Skeleton width="40%" />
        </div>
      </section>
    );
  }
  // No template for the entity and nothing stored: there is no profile to show.
  if (!picked && !hasRetired) return null;

  const name = picked ? (locale === 'en' ? picked.nameEn : picked.nameZh) : null;
  const empty = picked ? Object.values(record.attrs).every((v) => isEmptyValue(v)) : false;
  return (
    <section
      className="tp-card tp-profilecard"
      data-testid="profile-card"
      data-mode={editing ? 'edit' : 'view'}
      data-version={picked?.id}
    >
      <header className="tp-card__header">
        <h2 className="tp-card__title">
          <Icon name="form" size={16} />
          {t('templates.profile')}
          {name ? (
            <span
              className="tp-profilepart__name"
              title={t('templates.versionOf', { name, n: picked?.number ?? 1 })}
            >
              {name}
            </span>
          ) : null}
        </h2>
        {picked && !editing ? (
          <Button
            variant="ghost"
            size="sm"
            icon="edit"
            onClick={() => setEditing({ seen: { ...record.attrs } })}
            data-testid="profile-edit"
          >
            {t('common.edit')}
          </Button>
        ) : null}
      </header>
      <div className="tp-card__body">
        {picked && editing ? (
          <ProfileEditor
            record={record}
            seen={editing.seen}
            onCancel={() => setEditing(null)}
            onSaved={() => {
              setEditing(null);
              onSaved();
            }}
          />
        ) : picked ? (
          <>
            {empty ? (
              <p className="tp-profilecard__empty" data-testid="profile-empty">
                {t('templates.profileEmpty')}
                <button
                  type="button"
                  className="tp-linkbtn"
                  onClick={() => setEditing({ seen: { ...record.attrs } })}
                >
                  {t('templates.fillIn')}
                </button>
              </p>
            ) : (
              <AttrValueGrid shape={picked} values={record.attrs} optionLists={optionLists} wide />
            )}
            <RetiredValues
              shape={picked}
              stored={record.attrs}
              library={catalog?.fields ?? []}
              optionLists={optionLists}
            />
          </>
        ) : (
          <>
            <p className="tp-profilecard__empty">{t('templates.noTemplate')}</p>
            <RetiredValues
              shape={null}
              stored={record.attrs}
              library={catalog?.fields ?? []}
              optionLists={optionLists}
            />
          </>
        )}
      </div>
    </section>
  );
}

function ProfileEditor({
  record,
  seen,
  onCancel,
  onSaved,
}: {
  record: ProfileRecord;
  seen: Record<string, unknown>;
  onCancel: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { catalog } = useTemplateDefinitions();
  const entity = record.kind === 'lead' ? 'lead' : 'customer';
  const { form } = useRecordProfile(entity, { industry: record.industry, mode: 'update', stored: seen });
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [serverError, setServerError] = useState<AppErrorData | null>(null);

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (saving) return;
    form.markSubmitted();
    if (!form.valid) {
      form.focusFirstProblem();
      return;
    }
    const part = form.updatePart();
    if (!part) {
      setNotice(t('templates.noChanges'));
      return;
    }
    setSaving(true);
    setServerError(null);
    try {
      await getApi().call('customers.update', {
        id: record.id,
        set: { attrs: part.set },
        base: { attrs: part.base },
        templateVersionId: part.templateVersionId,
      });
      onSaved();
    } catch (err) {
      const data = toAppErrorData(err);
      setSaving(false);
      if (!form.takeServerError(data)) setServerError(data);
    }
  };

  return (
    <form
      className="tp-form tp-profilecard__form"
      data-testid="profile-form"
      noValidate
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && hasModKey(e)) {
          e.preventDefault();
          void submit();
        } else if (e.key === 'Escape' && !saving) {
          e.preventDefault();
          onCancel();
        }
      }}
    >
      {serverError ? (
        <ErrorBanner message={errorText(serverError)} code={serverError.code} testId="profile-error" />
      ) : null}
      <DynamicForm form={form} library={catalog?.fields} />
      <div className="tp-form__footer">
        <span className="tp-form__note">
          {notice ? (
            <span data-testid="profile-notice">{notice}</span>
          ) : (
            <ShortcutHint keys={['Enter']} label={t('followUp.shortcut')} />
          )}
        </span>
        <div className="tp-form__actions">
          <Button onClick={onCancel} data-testid="profile-cancel">
            {t('common.cancel')}
          </Button>
          <Button type="submit" variant="primary" busy={saving} data-testid="profile-save">
            {saving ? t('common.saving') : t('common.save')}
          </Button>
        </div>
      </div>
    </form>
  );
}
