import { optionListSchema, type OptionList, type OptionValue } from '../../../../../shared/templates/schema';
import type { FieldProblemText } from '../../../i18n/useFieldError';
import { moveItem, newOptionKey } from '../../settings/utils/settingsForm';

/**
 * The option-list editor's form (SPEC §3 "Option lists"): the list's labels and its values (key, labels
 * in both languages, colour, active; order = the array's). Checked with the shared `optionListSchema`
 * (the body of `PUT /admin/option-lists/:key`). Saved keys are fixed; a value is deactivated rather than
 * deleted, and deleting one that records use is refused by the server with how many hold it.
 */

export { moveItem };

/** Problems by path: `labelZh`, `values` (the list as a whole), `values.3.labelEn`. */
export type OptionListErrors = Record<string, FieldProblemText>;

export function emptyOptionList(existing: readonly { key: string }[]): OptionList {
  return { key: newOptionKey('', existing, 'list'), labelZh: '', labelEn: '', values: [] };
}

/** A new value at the end, its key following its English label until the admin types one. */
export function addValue(list: OptionList): OptionList {
  const value: OptionValue = {
    key: newOptionKey('', list.values, 'option'),
    labelZh: '',
    labelEn: '',
    color: 'gray',
    active: true,
  };
  return { ...list, values: [...list.values, value] };
}

/**
 * A value's English label changed: an unsaved value's key follows it ("Key account" → `key_account`)
 * while the key still is the one the label made.
 */
export function setValueLabelEn(
  list: OptionList,
  index: number,
  labelEn: string,
  saved: ReadonlySet<string>,
): OptionList {
  const values = list.values.map((v, i) => {
    if (i !== index) return v;
    const others = list.values.filter((_, j) => j !== index);
    const follows = !saved.has(v.key) && v.key === newOptionKey(v.labelEn, others, 'option');
    return follows ? { ...v, labelEn, key: newOptionKey(labelEn, others, 'option') } : { ...v, labelEn };
  });
  return { ...list, values };
}

export function checkOptionList(list: OptionList): { errors: OptionListErrors; value: OptionList | null } {
  const parsed = optionListSchema.safeParse(list);
  if (parsed.success) return { errors: {}, value: parsed.data };
  const errors: OptionListErrors = {};
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String).join('.');
    if (errors[path]) continue;
    const leaf = issue.path[issue.path.length - 1];
    if (leaf === 'key') errors[path] = { key: 'designer.badKey' };
    else if (path === 'values')
      errors[path] = {
        key: issue.code === 'too_big' ? 'designer.tooManyValues' : 'designer.duplicateValueKeys',
      };
    else if (issue.code === 'too_big') errors[path] = { key: 'tooLong', params: { max: 60 } };
    else errors[path] = { key: 'required' };
  }
  return { errors, value: null };
}
