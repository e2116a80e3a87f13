import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { ToastProvider } from './components/toasts.tsx';
import { bootstrapAuth } from './lib/auth.ts';
import './styles.css';
import './styles-cover.css';
import './styles-spa.css';
import './styles-words.css';

bootstrapAuth();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ToastProvider>
      <App />
    </ToastProvider>
  </StrictMode>,
);
