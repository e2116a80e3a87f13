import { createContext, useContext, useEffect, useRef } from 'react';
import type { AppClient } from '../lib/urql.ts';

export const AppClientContext = createContext<AppClient | null>(null);

/** Runs `fn` whenever the live socket reconnected (events may have been missed meanwhile). */
export function useResync(fn: () => void): void {
  const app = useContext(AppClientContext);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => app?.onResync(() => latest.current()), [app]);
}
