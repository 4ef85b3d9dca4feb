import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TemplateDraft } from '../../../../../shared/templates/admin';
import { TEMPLATE_ENTITIES } from '../../../../../shared/templates/schema';
import { useAppStore } from '../../../app/store';
import { Badge, Button, ConfirmDialog, EmptyState, Skeleton } from '../../../ui';
import { useAdminTemplates } from '../hooks/useAdminTemplates';
import { AdminErrorBanner } from './AdminErrorBanner';
import { CreateTemplateDialog } from './CreateTemplateDialog';
import { TemplateEditor } from './TemplateEditor';

/** Templates by record type (and industry), and the editor of the one chosen. */
export function TemplatesTab({ onDirtyChange }: { onDirtyChange: (dirty: boolean) => void }) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const { templates, error, loading, reload } = useAdminTemplates();
  const [selected, setSelected] = useState<string | null>(null);
  const [dirty, setDirty] = useState(false);
  const [ask, setAsk] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);

  const list = templates ?? [];
  const current = list.find((x) => x.id === selected) ?? list[0] ?? null;
  const choose = (id: string) => {
    if (id === current?.id) return;
    if (dirty) setAsk(id);
    else setSelected(id);
  };
  const changeDirty = (d: boolean) => {
    setDirty(d);
    onDirtyChange(d);
  };
  const name = (x: TemplateDraft) => (locale === 'en' ? x.nameEn : x.nameZh);

  return (
    <div className="tp-designer" data-testid="designer-templates">
      <aside className="tp-designer__rail tp-card" aria-label={t('designer.templateList')}>
        <div className="tp-designer__railhead">
          <span>{t('designer.templateList')}</span>
          <Button
            size="sm"
            variant="ghost"
            icon="plus"
            onClick={() => setCreating(true)}
            data-testid="designer-new-template"
          >
            {t('designer.newTemplate')}
          </Button>
        </div>
        {loading && !templates ? (
          <div className="tp-designer__railbody">
            <Skeleton width="80%" />
            <Skeleton width="60%" />
          </div>
        ) : (
          <nav className="tp-designer__railbody">
            {TEMPLATE_ENTITIES.map((entity) => {
              const mine = list
                .filter((x) => x.entity === entity)
                .sort((a, b) =>
                  a.category === null
                    ? -1
                    : b.category === null
                      ? 1
                      : a.category.localeCompare(b.category, locale),
                );
              return (
                <div key={entity} className="tp-designer__group" data-testid={`designer-group-${entity}`}>
                  <p className="tp-designer__grouptitle">{t(`designer.entities.${entity}`)}</p>
                  {mine.length === 0 ? (
                    <p className="tp-designer__none">{t('designer.noTemplateYet')}</p>
                  ) : null}
                  {mine.map((x) => (
                    <button
                      key={x.id}
                      type="button"
                      className={
                        x.id === current?.id ? 'tp-designer__item tp-designer__item--on' : 'tp-designer__item'
                      }
                      aria-current={x.id === current?.id ? 'true' : undefined}
                      onClick={() => choose(x.id)}
                      data-testid="designer-template-item"
                      data-id={x.id}
                      data-entity={x.entity}
                      data-category={x.category ?? ''}
                    >
                      <span className="tp-designer__itemname">{name(x)}</span>
                      <span className="tp-designer__itemmeta">
                        {x.category ?? t('designer.defaultCategory')}
                        {x.publishedNumber === null ? (
                          <Badge tone="warning">{t('designer.neverPublished')}</Badge>
                        ) : x.dirty ? (
                          <Badge tone="info">{t('designer.changedSince', { n: x.publishedNumber })}</Badge>
                        ) : (
                          <Badge tone="success">v{x.publishedNumber}</Badge>
                        )}
                      </span>
                    </button>
                  ))}
                </div>
              );
            })}
          </nav>
        )}
      </aside>
      <div className="tp-designer__main">
        {error ? (
          <AdminErrorBanner error={error} testId="designer-load-error" onRetry={() => void reload()} />
        ) : null}
        {current ? (
          <TemplateEditor
            key={current.id}
            template={current}
            onDirtyChange={changeDirty}
            onSaved={async () => {
              await reload();
            }}
          />
        ) : !loading && !error ? (
          <section className="tp-card">
            <EmptyState
              icon="form"
              title={t('designer.noTemplates')}
              body={t('designer.noTemplatesBody')}
              action={
                <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
                  {t('designer.newTemplate')}
                </Button>
              }
            />
          </section>
        ) : error ? null : (
          <section className="tp-card tp-card__body">
            <Skeleton width="50%" />
          </section>
        )}
      </div>
      {creating ? (
        <CreateTemplateDialog
          existing={list}
          onClose={() => setCreating(false)}
          onCreated={async (id) => {
            setCreating(false);
            await reload();
            setSelected(id);
          }}
        />
      ) : null}
      {ask ? (
        <ConfirmDialog
          title={t('designer.leaveTitle')}
          body={t('designer.leaveBody')}
          confirmLabel={t('designer.leaveConfirm')}
          cancelLabel={t('designer.leaveStay')}
          closeLabel={t('common.close')}
          busy={false}
          onConfirm={() => {
            changeDirty(false);
            setSelected(ask);
            setAsk(null);
          }}
          onClose={() => setAsk(null)}
        />
      ) : null}
    </div>
  );
}
