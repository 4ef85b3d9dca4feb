import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../../app/store';
import { ConfirmDialog, EmptyState, Icon, type IconName } from '../../../ui';
import { PageHeader } from '../../shell/components/PageHeader';
import { FieldLibraryTab } from './FieldLibraryTab';
import { OptionListsTab } from './OptionListsTab';
import { TemplatesTab } from './TemplatesTab';

const TABS = ['templates', 'library', 'lists'] as const;
type Tab = (typeof TABS)[number];
const TAB_ICONS: Record<Tab, IconName> = { templates: 'form', library: 'library', lists: 'list' };

/**
 * The form designer (SPEC §3, §9 Admin; admins only): templates per record type and industry, built from
 * sections of library fields with widths, required and read-only marks and visibility conditions, with a
 * live preview; the field library; the option lists. Everything is saved on the server (drafts never
 * leave it), so the designer needs the network; published versions reach every device by sync.
 * Unsaved changes are guarded: leaving the screen or the tab asks first.
 */
export function FormDesignerPage() {
  const { t } = useTranslation();
  const { role, setLeaveGuard } = useAppStore(
    useShallow((s) => ({ role: s.session?.user.role, setLeaveGuard: s.setLeaveGuard })),
  );
  const [tab, setTab] = useState<Tab>('templates');
  const [dirty, setDirty] = useState<Record<Tab, boolean>>({
    templates: false,
    library: false,
    lists: false,
  });
  const [askTab, setAskTab] = useState<Tab | null>(null);
  const anyDirty = dirty.templates || dirty.library || dirty.lists;

  useEffect(() => {
    setLeaveGuard(anyDirty);
  }, [anyDirty, setLeaveGuard]);
  useEffect(() => () => setLeaveGuard(false), [setLeaveGuard]);
  useEffect(() => {
    // A browser tab (browser mode) asks before it closes or reloads over unsaved changes. Electron is
    // left alone: there a beforeunload that sets returnValue silently keeps the window from closing.
    if (!anyDirty || window.api) return;
    const onUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, [anyDirty]);

  if (role !== 'admin') {
    return (
      <div className="tp-page tp-page--narrow" data-testid="designer-page">
        <PageHeader title={t('designer.title')} />
        <section className="tp-card">
          <EmptyState
            icon="lock"
            title={t('designer.adminOnly')}
            body={t('designer.adminOnlyBody')}
            testId="designer-forbidden"
          />
        </section>
      </div>
    );
  }

  const markDirty = (which: Tab) => (value: boolean) =>
    setDirty((d) => (d[which] === value ? d : { ...d, [which]: value }));

  return (
    <div className="tp-page tp-designerpage" data-testid="designer-page" data-dirty={anyDirty || undefined}>
      <PageHeader title={t('designer.title')} subtitle={t('designer.subtitle')} />
      <div className="tp-tabs" role="tablist" aria-label={t('designer.title')}>
        {TABS.map((id) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`designer-tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`designer-panel-${id}`}
            tabIndex={tab === id ? 0 : -1}
            className={tab === id ? 'tp-tab tp-tab--on' : 'tp-tab'}
            data-testid={`designer-tab-${id}`}
            onClick={() => {
              if (id === tab) return;
              if (dirty[tab]) setAskTab(id);
              else setTab(id);
            }}
            onKeyDown={(e) => {
              if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
              const next =
                TABS[(TABS.indexOf(tab) + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length];
              if (next) document.getElementById(`designer-tab-${next}`)?.focus();
            }}
          >
            <Icon name={TAB_ICONS[id]} size={15} />
            {t(`designer.tabs.${id}`)}
            {dirty[id] ? <span className="tp-tab__dot" title={t('designer.unsaved')} /> : null}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`designer-panel-${tab}`}
        aria-labelledby={`designer-tab-${tab}`}
        className="tp-designerpage__panel"
      >
        {tab === 'templates' ? (
          <TemplatesTab onDirtyChange={markDirty('templates')} />
        ) : tab === 'library' ? (
          <FieldLibraryTab onDirtyChange={markDirty('library')} />
        ) : (
          <OptionListsTab onDirtyChange={markDirty('lists')} />
        )}
      </div>
      {askTab ? (
        <ConfirmDialog
          title={t('designer.leaveTitle')}
          body={t('designer.leaveBody')}
          confirmLabel={t('designer.leaveConfirm')}
          cancelLabel={t('designer.leaveStay')}
          closeLabel={t('common.close')}
          busy={false}
          onConfirm={() => {
            setDirty((d) => ({ ...d, [tab]: false }));
            setTab(askTab);
            setAskTab(null);
          }}
          onClose={() => setAskTab(null)}
        />
      ) : null}
    </div>
  );
}
