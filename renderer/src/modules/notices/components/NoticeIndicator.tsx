import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../../app/store';
import { Icon, Popover } from '../../../ui';
import { NoticeList } from './NoticeList';

/**
 * The top bar's sign that something happened to my private sea (a customer recycled away, one assigned
 * in): the count, and the list in a panel. Absent when there is nothing to tell.
 */
export function NoticeIndicator() {
  const { t } = useTranslation();
  const count = useAppStore((s) => s.notices.length);
  const [open, setOpen] = useState(false);
  if (count === 0) return null;
  const label = t('notices.indicator', { count });
  return (
    <Popover
      button={
        <>
          <Icon name="bell" size={14} />
          <span data-testid="notice-count">{count}</span>
        </>
      }
      buttonClassName="tp-noticeind"
      buttonTestId="notice-indicator"
      buttonLabel={label}
      panelTestId="notice-panel"
      panelLabel={t('notices.title')}
      width={420}
      align="start"
      open={open}
      onOpenChange={setOpen}
    >
      <div className="tp-noticeind__panel">
        <p className="tp-noticeind__title">{t('notices.title')}</p>
        <NoticeList onNavigate={() => setOpen(false)} />
      </div>
    </Popover>
  );
}
