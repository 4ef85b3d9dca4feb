import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FollowUpItem } from '../../../../../shared/api/contract';
import { getApi } from '../../../api/client';
import { Dialog } from '../../../ui';
import { useOrgSettings } from '../../settings/hooks/useOrgSettings';
import { useRecordProfile } from '../../templates/hooks/useRecordProfile';
import type { CustomerOptions } from '../hooks/useCustomerOptions';
import { followUpFormValues, validateFollowUpEdit, type FollowUpFormValues } from '../utils/followUpForm';
import { FollowUpForm } from './LogFollowUpDialog';
import { useDiscardLabels } from '../../../i18n/useDiscardLabels';

/**
 * The author corrects a follow-up within the org's edit window (`followUps.update`): the same form,
 * checked with the shared `updateFollowUpArgs`; only what changed is sent (the opportunity it advanced
 * included: a visit logged against the wrong deal can be re-linked).
 */
export function EditFollowUpDialog({
  item,
  options,
  onClose,
  onSaved,
}: {
  item: FollowUpItem;
  options?: CustomerOptions;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const discardLabels = useDiscardLabels();
  const settings = useOrgSettings();
  const [initial] = useState(() => followUpFormValues(item));
  const activeTypes = useMemo(
    () => settings.followUpTypes.filter((x) => x.active).map((x) => x.key),
    [settings],
  );
  // The attributes as the dialog opened (a reload behind it must not move what "changed" means).
  const [seen] = useState(() => item.attrs);
  const profile = useRecordProfile('followUp', { mode: 'update', stored: seen });
  const validate = (v: FollowUpFormValues, now: number) =>
    validateFollowUpEdit(item, v, now, activeTypes).errors;
  const save = async (v: FollowUpFormValues) => {
    const { input } = validateFollowUpEdit(item, v, Date.now(), activeTypes, profile.form.updatePart());
    // Nothing changed: closing is the honest answer, there is nothing to sync.
    if (input) await getApi().call('followUps.update', input);
    onSaved();
  };
  return (
    <Dialog
      title={t('followUp.editTitle')}
      onClose={onClose}
      closeLabel={t('common.close')}
      discard={discardLabels}
      width={640}
    >
      <FollowUpForm
        customerId={item.customerId}
        profile={profile}
        initialValues={initial}
        validate={validate}
        save={save}
        onCancel={onClose}
        options={options}
        formTestId="followup-edit-form"
      />
    </Dialog>
  );
}
