/**
 * The desktop shell's wiring: one instance, the core started before the window, the hub address
 * and token handed to the window through one checked IPC call, and every process stopped before
 * the app quits. Kept apart from index.ts so that it can be tested with a fake electron module.
 */
import { BrowserWindow, app, dialog, ipcMain, session, shell } from 'electron';
import type { AlertEvent } from '../../shared/protocol';
import { HUB_CONNECTION_CHANNEL, type HubConnectionInfo } from '../../shared/bridge';
import { AlertNotifier } from './alert-notifier';
import { hardenSession, hardenWebContents, isTrustedSender } from './window-security';

/** What the shell needs from the running core (hub, supervisor, HTTP server). */
export interface DesktopCore {
  /** `http://127.0.0.1:PORT`, where the dashboard is served. */
  origin: string;
  /** `ws://127.0.0.1:PORT/ws`. */
  hubUrl: string;
  /** The launch token (operator). */
  token: string;
  /** Stop every process group, close the hub and the HTTP server. */
  close(): Promise<void>;
  /** Hear every alert (shown as native notifications); returns an unsubscribe. */
  onAlert?(listener: (alert: AlertEvent) => void): () => void;
}

/** Paths the shell needs. */
export interface DesktopPaths {
  /** The built preload (`out/preload/index.cjs`). */
  preload: string;
  /** The window icon. */
  icon?: string;
}

/** Start the desktop app: returns false when another instance already runs (this one then quits). */
export function runDesktopApp(startCore: () => Promise<DesktopCore>, paths: DesktopPaths): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  let core: DesktopCore | undefined;
  let window: BrowserWindow | undefined;
  let closing: Promise<void> | undefined;

  const openWindow = (running: DesktopCore): void => {
    // The options stay a literal at the call: static checkers (Electronegativity) read them here.
    window = new BrowserWindow({
      width: 1280,
      height: 820,
      minWidth: 720,
      minHeight: 480,
      title: 'Switchyard',
      show: false,
      backgroundColor: '#101418',
      ...(paths.icon ? { icon: paths.icon } : {}),
      webPreferences: {
        preload: paths.preload,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        webviewTag: false,
        navigateOnDragDrop: false,
        disableBlinkFeatures: 'Auxclick',
        spellcheck: false,
      },
    });
    hardenWebContents(window.webContents, running.origin, (url) => shell.openExternal(url));
    window.once('ready-to-show', () => window?.show());
    window.on('closed', () => {
      window = undefined;
    });
    void window.loadURL(`${running.origin}/`);
  };

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    // Covers every webContents, not only the main window's.
    contents.on('will-attach-webview', (e) => e.preventDefault());
  });

  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    // Quit only after every process group is gone: hold the quit, close the core, quit again.
    if (!core) return;
    event.preventDefault();
    if (!closing) {
      const running = core;
      closing = running.close().finally(() => {
        core = undefined;
        app.quit();
      });
    }
  });

  void app.whenReady().then(async () => {
    const running = await startCore();
    core = running;
    hardenSession(session.defaultSession, running.origin);
    ipcMain.handle(HUB_CONNECTION_CHANNEL, (event): HubConnectionInfo => {
      if (!isTrustedSender(event, running.origin)) throw new Error('refused: IPC from an untrusted frame');
      return { url: running.hubUrl, token: running.token };
    });
    openWindow(running);
    const notifier = new AlertNotifier(() => window);
    running.onAlert?.((alert) => notifier.notify(alert));
  }).catch((err: unknown) => {
    dialog.showErrorBox('Switchyard could not start', err instanceof Error ? err.message : String(err));
    app.exit(1);
  });
  return true;
}
