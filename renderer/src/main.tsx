// The dashboard's only side-effect file: find the hub, connect, render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ReconnectingClient, type WebSocketConstructor } from '../../shared/client/reconnecting-client';
import type { DesktopBridge, HubConnectionInfo } from '../../shared/bridge';
import { App } from './app';
import { ReconnectingHubConnection } from './connection/client-adapter';
import { browserSession, forgetSession } from './connection/browser-session';
import { historyFetcher } from './connection/history-fetch';
import { checkSession } from './connection/session-check';
import { DashboardContext } from './dashboard-context';
import { DashboardController } from './dashboard-controller';
import { LogBook } from './logs/log-book';
import { frameScheduler } from './logs/output-batcher';
import { BrowserNotifier } from './state/browser-notifier';
import { createDashboardStore } from './state/dashboard-store';
import { firstRenderCue } from './state/first-render-cue';
import { applyTheme, storedTheme } from './state/theme';
import './styles/app.css';

declare global {
  interface Window {
    /** Present only in the Electron window (the preload's bridge). */
    switchyard?: DesktopBridge;
  }
}

async function boot(): Promise<void> {
  // Before anything renders: no flash of the other theme.
  applyTheme(storedTheme());
  const root = document.getElementById('root');
  if (!root) throw new Error('missing #root element');
  const bridge = window.switchyard;
  // The desktop window gets the hub address and launch token from the preload; a browser talks
  // to the hub that served it with the page token traded for its login cookie (browser-session.ts).
  const hub: HubConnectionInfo | null = bridge ? await bridge.hubConnection() : null;
  const url = hub?.url ?? `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
  const origin = new URL(url.replace(/^ws/, 'http')).origin;
  const token = hub ? hub.token : await browserSession(fetch, location.href, localStorage);
  const maxLines = pageNumber('maxLines', 1, 10_000_000);

  const client = new ReconnectingClient({ url, WebSocket: WebSocket as unknown as WebSocketConstructor, token });
  const store = createDashboardStore();
  const book = new LogBook({ maxLines });
  // The desktop window gets native notifications from its main process; a browser tab uses the
  // Notification API, once the user allowed it from the alert list.
  const notifier = bridge ? undefined : new BrowserNotifier(window, (id) => store.getState().select(id));
  // A browser's page is the hub's own origin: it reads retained lines over HTTP (history-fetch.ts).
  const connection = new ReconnectingHubConnection(client, hub ? undefined : historyFetcher(fetch, origin, token));
  const controller = new DashboardController(connection, store, book, {
    schedule: frameScheduler(),
    knownRole: hub ? 'operator' : undefined,
    checkSession: hub
      ? undefined
      : async () => {
          const state = await checkSession(fetch, location.href, token);
          if (state === 'refused') forgetSession(localStorage);
          return state;
        },
    noSession: !hub && token === undefined,
    onLiveAlert: notifier ? (alert) => notifier.notify(alert) : undefined,
  });
  controller.start();
  bridge?.onFocusProcess((id) => store.getState().select(id));
  window.addEventListener('pagehide', () => controller.close());
  // A page restored from the back/forward cache has a closed connection: start afresh.
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) location.reload();
  });

  await firstRenderCue(store, 300);
  createRoot(root).render(
    <StrictMode>
      <DashboardContext.Provider value={{ store, book, actions: controller, origin, notifier, hub: connection }}>
        <App />
      </DashboardContext.Provider>
    </StrictMode>,
  );
}

/**
 * A whole-number page parameter within bounds; anything else (`1.5`, `-1`, `abc`) is ignored with
 * a console note, so that a mistyped link still opens the dashboard.
 */
function pageNumber(name: string, min: number, max: number): number | undefined {
  const raw = new URLSearchParams(location.search).get(name);
  if (raw === null) return undefined;
  const value = Number(raw);
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  console.warn(`switchyard: ignoring ?${name}=${raw.slice(0, 40)}: it must be a whole number from ${min} to ${max}`);
  return undefined;
}

void boot();
