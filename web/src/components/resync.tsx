import { createContext, useContext, useEffect, useEffectEvent } from 'react';
import type { AppClient } from '../lib/urql.ts';

export const AppClientContext = createContext<AppClient | null>(null);

/** Runs `fn` whenever the live socket reconnected (events may have been missed meanwhile). */
export function useResync(fn: () => void): void {
  const app = useContext(AppClientContext);
  // The latest `fn` runs, without resubscribing each time the caller passes a new closure.
  const onResync = useEffectEvent(fn);
  useEffect(() => app?.onResync(() => onResync()), [app]);
}
