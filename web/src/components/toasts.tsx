import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from 'react';
import type { Failure } from '../lib/errors.ts';
import './toasts.css';

type Kind = 'error' | 'success' | 'info';

interface Toast {
  id: number;
  kind: Kind;
  code: string;
  title: string;
  message?: string;
  action?: { label: string; href: string };
}

export interface ToastApi {
  failure(f: Failure): void;
  success(title: string, message?: string): void;
  info(title: string, message?: string): void;
}

const ToastContext = createContext<ToastApi | null>(null);

const LIFETIME: Record<Kind, number> = { error: 9000, success: 4000, info: 6000 };

/** The app's one toast stack. A toast with the same code and message replaces the older one. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());

  const dismiss = useCallback((id: number) => {
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setToasts((list) => list.filter((t) => t.id !== id));
  }, []);

  const push = useCallback(
    (t: Omit<Toast, 'id'>) => {
      const id = next.current++;
      setToasts((list) => [...list.filter((x) => !(x.code === t.code && x.message === t.message)), { ...t, id }].slice(-4));
      timers.current.set(
        id,
        setTimeout(() => dismiss(id), LIFETIME[t.kind]),
      );
    },
    [dismiss],
  );

  const api = useMemo<ToastApi>(
    () => ({
      failure: (f) => push({ kind: 'error', code: f.code, title: f.title, message: f.message, action: f.action }),
      success: (title, message) => push({ kind: 'success', code: `ok:${title}`, title, message }),
      info: (title, message) => push({ kind: 'info', code: `info:${title}`, title, message }),
    }),
    [push],
  );

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'} data-code={t.code}>
            <span className="toast-icon" aria-hidden="true">
              {t.kind === 'error' ? '!' : t.kind === 'success' ? '✓' : 'i'}
            </span>
            <div className="toast-body">
              <div className="toast-title">{t.title}</div>
              {t.message && <div className="toast-message">{t.message}</div>}
              {t.action && (
                <a className="toast-action" href={t.action.href} target="_blank" rel="noreferrer">
                  {t.action.label} ↗
                </a>
              )}
            </div>
            <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToast outside ToastProvider');
  return api;
}
