/** Hands the store, the LogBook and the actions to components without prop drilling. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { HubConnection } from './connection/hub-connection';
import type { DashboardActions } from './dashboard-actions';
import type { LogBook } from './logs/log-book';
import type { BrowserNotifier } from './state/browser-notifier';
import type { DashboardState, DashboardStore } from './state/dashboard-store';

/** What every component of the dashboard can reach. */
export interface DashboardServices {
  store: DashboardStore;
  book: LogBook;
  actions: DashboardActions;
  /** The page's origin, to make a relative login link absolute. */
  origin?: string;
  /** Browser notifications of alerts (absent in the desktop window, which has native ones). */
  notifier?: BrowserNotifier;
  /** The hub connection, for views that talk to it directly (the terminal); absent in tests that need none. */
  hub?: HubConnection;
}

/** The services' context; main.tsx and tests provide it. */
export const DashboardContext = createContext<DashboardServices | null>(null);

/** The dashboard's services; throws outside a provider, which is a wiring mistake. */
export function useServices(): DashboardServices {
  const services = useContext(DashboardContext);
  if (!services) throw new Error('useServices: no DashboardContext provider above this component');
  return services;
}

/** Select one value of the dashboard store. */
export function useDashboard<T>(selector: (s: DashboardState) => T): T {
  return useStore(useServices().store, selector);
}
