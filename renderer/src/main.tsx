// The dashboard's only side-effect file: find the hub, connect, render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ReconnectingClient, type WebSocketConstructor } from '../../shared/client/reconnecting-client';
import type { HubConnectionInfo } from '../../shared/bridge';
import { App } from './app';
import { ClientConnection } from './connection/client-adapter';
import { checkSession } from './connection/session-check';
import { DashboardContext } from './dashboard-context';
import { DashboardController } from './dashboard-controller';
import { LogBook } from './logs/log-book';
import { frameScheduler } from './logs/output-batcher';
import { createDashboardStore } from './state/dashboard-store';
import { firstRenderCue } from './state/first-render-cue';
import './styles/app.css';

declare global {
  interface Window {
    /** Present only in the Electron window (the preload's bridge). */
    switchyard?: { hubConnection(): Promise<HubConnectionInfo> };
  }
}

async function boot(): Promise<void> {
  const root = document.getElementById('root');
  if (!root) throw new Error('missing #root element');
  const bridge = window.switchyard;
  // The desktop window gets the hub address and launch token from the preload; a browser talks
  // to the hub that served it and authenticates with the session cookie from /login.
  const hub: HubConnectionInfo | null = bridge ? await bridge.hubConnection() : null;
  const url = hub?.url ?? `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
  const origin = new URL(url.replace(/^ws/, 'http')).origin;
  const maxLines = Number(new URLSearchParams(location.search).get('maxLines')) || undefined;

  const client = new ReconnectingClient({ url, WebSocket: WebSocket as unknown as WebSocketConstructor, token: hub?.token });
  const store = createDashboardStore();
  const book = new LogBook({ maxLines });
  const connection = new ClientConnection(client);
  const controller = new DashboardController(connection, store, book, {
    schedule: frameScheduler(),
    knownRole: hub ? 'operator' : undefined,
    checkSession: hub ? undefined : () => checkSession(fetch, location.href),
  });
  controller.start();
  window.addEventListener('pagehide', () => controller.close());
  // A page restored from the back/forward cache has a closed connection: start afresh.
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) location.reload();
  });

  await firstRenderCue(store, 300);
  createRoot(root).render(
    <StrictMode>
      <DashboardContext.Provider value={{ store, book, actions: controller, origin, hub: connection }}>
        <App />
      </DashboardContext.Provider>
    </StrictMode>,
  );
}

void boot();
