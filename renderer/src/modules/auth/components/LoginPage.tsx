import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { useAppStore } from '../../../app/store';
import { useErrorText } from '../../../i18n/useErrorText';
import { Button, ErrorBanner, FormField, Icon, Logo } from '../../../ui';
import { LanguageSwitch } from '../../shell/components/LanguageSwitch';
import {
  checkLoginForm,
  initialServerUrl,
  LAST_SERVER_KEY,
  LAST_USERNAME_KEY,
  type LoginField,
  type LoginValues,
  SERVER_URL_META,
} from '../utils/loginForm';

function remembered(key: string, fallback: string): string {
  try {
    return localStorage.getItem(key) ?? fallback;
  } catch {
    return fallback;
  }
}

function hostServerHint(): string | null {
  return document.querySelector<HTMLMetaElement>(`meta[name="${SERVER_URL_META}"]`)?.content ?? null;
}

export function LoginPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const login = useAppStore((s) => s.login);
  const [values, setValues] = useState<LoginValues>(() => ({
    serverUrl: initialServerUrl(hostServerHint(), remembered(LAST_SERVER_KEY, '')),
    username: remembered(LAST_USERNAME_KEY, ''),
    password: '',
  }));
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<LoginField, string>>>({});
  const [error, setError] = useState<AppErrorData | null>(null);
  const [busy, setBusy] = useState(false);

  const set = (field: LoginField) => (e: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [field]: e.target.value }));
    if (fieldErrors[field]) setFieldErrors((f) => ({ ...f, [field]: undefined }));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const local = checkLoginForm(values);
    setFieldErrors(local);
    const firstField = (Object.keys(local) as LoginField[])[0];
    if (firstField) {
      // The banner repeats the first problem in words ("服务器地址：必填"), the fields show each one.
      const rule = t(`validation.${local[firstField] ?? 'invalid'}`);
      setError({ code: 'validation', message: rule, field: firstField, params: { local: 1 } });
      document.getElementById(`login-${firstField}`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const serverUrl = values.serverUrl.trim().replace(/\/+$/, '');
      await login({ serverUrl, username: values.username.trim(), password: values.password });
      try {
        localStorage.setItem(LAST_SERVER_KEY, serverUrl);
        localStorage.setItem(LAST_USERNAME_KEY, values.username.trim());
      } catch {
        // Remembering is a convenience only.
      }
    } catch (err) {
      const data = toAppErrorData(err);
      setError(data);
      if (
        data.field &&
        (data.field === 'serverUrl' || data.field === 'username' || data.field === 'password')
      ) {
        setFieldErrors({ [data.field]: 'invalid' });
      }
    } finally {
      setBusy(false);
    }
  };

  const message = (e: AppErrorData): string => {
    if (e.params?.local && e.field)
      return t('errors.withField', { field: t(`auth.${e.field}`), message: e.message });
    if (e.code === 'unauthorized') return t('auth.badCredentials');
    if (e.code === 'offline') return t('auth.unreachable');
    return errorText(e);
  };
  const fieldError = (f: LoginField) => (fieldErrors[f] ? t(`validation.${fieldErrors[f]}`) : null);

  return (
    <div className="tp-login">
      <aside className="tp-login__hero" aria-hidden="true">
        <div className="tp-login__brand">
          <Logo size={34} withWordmark wordmark={t('app.name')} />
        </div>
        <div className="tp-login__pitch">
          <h2>{t('auth.heroTitle')}</h2>
          <p>{t('auth.heroBody')}</p>
          <ul>
            <li>
              <Icon name="cloudOff" size={16} /> {t('auth.heroPoint1')}
            </li>
            <li>
              <Icon name="check" size={16} /> {t('auth.heroPoint2')}
            </li>
            <li>
              <Icon name="sync" size={16} /> {t('auth.heroPoint3')}
            </li>
          </ul>
        </div>
        <svg className="tp-login__waves" viewBox="0 0 600 160" preserveAspectRatio="none">
          <path d="M0 90 C 100 50, 200 130, 300 90 S 500 50, 600 90 V160 H0Z" fill="rgba(255,255,255,.06)" />
          <path
            d="M0 115 C 120 80, 220 150, 330 112 S 520 80, 600 112 V160 H0Z"
            fill="rgba(255,255,255,.08)"
          />
        </svg>
      </aside>
      <section className="tp-login__panel">
        <div className="tp-login__top">
          <LanguageSwitch tone="subtle" />
        </div>
        <form
          className="tp-login__form"
          onSubmit={(e) => void submit(e)}
          noValidate
          aria-labelledby="login-title"
        >
          <h1 id="login-title" className="tp-login__title">
            {t('auth.title')}
          </h1>
          <p className="tp-login__subtitle">{t('auth.subtitle')}</p>

          {error ? <ErrorBanner message={message(error)} code={error.code} testId="login-error" /> : null}

          <FormField
            name="serverUrl"
            id="login-serverUrl"
            label={t('auth.serverUrl')}
            error={fieldError('serverUrl')}
            hint={t('auth.serverUrlHint')}
          >
            {(c) => (
              <input
                className="tp-input"
                data-testid="login-server"
                type="url"
                inputMode="url"
                autoComplete="url"
                spellCheck={false}
                value={values.serverUrl}
                onChange={set('serverUrl')}
                {...c}
              />
            )}
          </FormField>
          <FormField
            name="username"
            id="login-username"
            label={t('auth.username')}
            error={fieldError('username')}
          >
            {(c) => (
              <input
                className="tp-input"
                data-testid="login-username"
                autoComplete="username"
                autoCapitalize="none"
                spellCheck={false}
                autoFocus={values.username === ''}
                value={values.username}
                onChange={set('username')}
                {...c}
              />
            )}
          </FormField>
          <FormField
            name="password"
            id="login-password"
            label={t('auth.password')}
            error={fieldError('password')}
          >
            {(c) => (
              <input
                className="tp-input"
                data-testid="login-password"
                type="password"
                autoComplete="current-password"
                autoFocus={values.username !== ''}
                value={values.password}
                onChange={set('password')}
                {...c}
              />
            )}
          </FormField>
          <Button
            type="submit"
            variant="primary"
            size="lg"
            busy={busy}
            data-testid="login-submit"
            className="tp-login__submit"
          >
            {busy ? t('auth.submitting') : t('auth.submit')}
          </Button>
          <p className="tp-login__hint">{t('auth.demoHint')}</p>
        </form>
      </section>
    </div>
  );
}
