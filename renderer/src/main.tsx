import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { initI18n } from './i18n';
import { readStoredLocale } from './i18n/locale';
import './styles/tokens.css';
import './styles/base.css';
import './ui/ui.css';
import './styles/app.css';
import './styles/templates.css';
import './styles/pools.css';

const locale = readStoredLocale(window.localStorage);
initI18n(locale);
document.documentElement.lang = locale;

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
