// The desktop shell's wiring (window, IPC, native notifications), checked with the `electron` module REPLACED BY A FAKE: the Electron
// binary cannot run on these machines. The fake records what the shell asks of electron; the
// real window is covered by tests/electron where a binary exists.
import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FOCUS_PROCESS_CHANNEL, HUB_CONNECTION_CHANNEL } from '../../shared/bridge';
import type { AlertEvent } from '../../shared/protocol';

type Listener = (...args: unknown[]) => unknown;

class FakeContents extends EventEmitter {
  openHandler?: (d: { url: string }) => { action: string };
  url = 'http://127.0.0.1:7420/';
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
    this.openHandler = h;
  }
  getURL() {
    return this.url;
  }
  sent: Array<[string, unknown]> = [];
  send(channel: string, arg: unknown) {
    this.sent.push([channel, arg]);
  }
}

const fake = vi.hoisted(() => {
  const state = {
    lock: true,
    windows: [] as Array<{ options: Record<string, unknown>; webContents: FakeContents; loaded?: string }>,
    handlers: new Map<string, Listener>(),
    quitCalls: 0,
    opened: [] as string[],
    permissionRequest: undefined as undefined | Listener,
    permissionCheck: undefined as undefined | Listener,
    appEvents: undefined as unknown as EventEmitter,
    notifications: [] as Array<{ options: { title: string; body: string }; shown: boolean; emit(e: string): void }>,
    focused: false,
    focusCalls: 0,
    ready: undefined as unknown as () => void,
  };
  return state;
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const appEvents = new Emitter();
  let resolveReady!: () => void;
  const readyPromise = new Promise<void>((r) => (resolveReady = r));
  fake.appEvents = appEvents;
  fake.ready = resolveReady;
  const app = Object.assign(appEvents, {
    requestSingleInstanceLock: () => fake.lock,
    quit: () => {
      fake.quitCalls++;
      const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
      appEvents.emit('before-quit', event);
    },
    exit: vi.fn(),
    whenReady: () => readyPromise,
  });
  class BrowserWindow extends Emitter {
    webContents = new FakeContents();
    constructor(public options: Record<string, unknown>) {
      super();
      fake.windows.push(this as never);
    }
    loadURL(url: string) {
      (this as unknown as { loaded: string }).loaded = url;
      return Promise.resolve();
    }
    show() {}
    isMinimized() { return false; }
    restore() {}
    focus() { fake.focusCalls++; }
    isFocused() { return fake.focused; }
  }
  // The fake of Electron's main-process Notification: records what would be shown.
  class Notification extends Emitter {
    static isSupported() { return true; }
    shown = false;
    constructor(public options: { title: string; body: string }) {
      super();
      fake.notifications.push(this as never);
    }
    show() { this.shown = true; }
  }
  return {
    app,
    BrowserWindow,
    Notification,
    dialog: { showErrorBox: vi.fn() },
    ipcMain: { handle: (channel: string, h: Listener) => fake.handlers.set(channel, h) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: Listener) => (fake.permissionRequest = h),
        setPermissionCheckHandler: (h: Listener) => (fake.permissionCheck = h),
      },
    },
    shell: { openExternal: (url: string) => fake.opened.push(url) },
  };
});

const ORIGIN = 'http://127.0.0.1:7420';
const alertListeners: Array<(a: AlertEvent) => void> = [];
const { runDesktopApp } = await import('./desktop-app');

describe('desktop shell wiring (fake electron)', () => {
  const closed: string[] = [];
  let releaseClose!: () => void;
  const core = {
    origin: ORIGIN,
    hubUrl: `ws://127.0.0.1:7420/ws`,
    token: 'launch-token-123',
    close: () => new Promise<void>((resolve) => {
      closed.push('close');
      releaseClose = resolve;
    }),
    onAlert: (listener: (a: AlertEvent) => void) => {
      alertListeners.push(listener);
      return () => {};
    },
  };

  beforeEach(() => undefined);

  it('starts the core, then opens one hardened window on the hub origin', async () => {
    expect(runDesktopApp(async () => core, { preload: '/app/out/preload/index.cjs' })).toBe(true);
    fake.ready();
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
    const [win] = fake.windows;
    const prefs = win?.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, preload: '/app/out/preload/index.cjs' });
    expect(win?.loaded).toBe(`${ORIGIN}/`);
  });

  it('hands the hub address and token only to the app frame', async () => {
    const handler = fake.handlers.get(HUB_CONNECTION_CHANNEL);
    expect(handler).toBeDefined();
    const trusted = { senderFrame: { url: `${ORIGIN}/`, parent: null } };
    expect(handler?.(trusted)).toEqual({ url: core.hubUrl, token: core.token });
    expect(() => handler?.({ senderFrame: { url: 'https://evil.example/', parent: null } })).toThrow(/untrusted/);
    expect(() => handler?.({ senderFrame: { url: `${ORIGIN}/`, parent: {} } })).toThrow(/untrusted/);
    expect(() => handler?.({ senderFrame: null })).toThrow(/untrusted/);
  });

  it('denies navigation away, new windows and webviews; safe links go to the system browser', () => {
    const contents = fake.windows[0]?.webContents as FakeContents;
    const nav = (url: string) => {
      const event = { prevented: false, preventDefault() { this.prevented = true; } };
      contents.emit('will-navigate', event, url);
      return event.prevented;
    };
    expect(nav('https://evil.example/')).toBe(true);
    expect(nav('file:///etc/passwd')).toBe(true);
    expect(nav(`${ORIGIN}/`)).toBe(false);
    expect(contents.openHandler?.({ url: 'https://docs.example/x' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(fake.opened).toEqual(['https://docs.example/x']);
    const webview = { prevented: false, preventDefault() { this.prevented = true; } };
    contents.emit('will-attach-webview', webview);
    expect(webview.prevented).toBe(true);
  });

  it('denies permission requests except clipboard writes from the app', () => {
    const answers: boolean[] = [];
    const contents = { getURL: () => `${ORIGIN}/` };
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-sanitized-write']) fake.permissionRequest?.(contents, p, (ok: boolean) => answers.push(ok));
    expect(answers).toEqual([false, false, false, false, true]);
    fake.permissionRequest?.({ getURL: () => 'https://evil.example/' }, 'clipboard-sanitized-write', (ok: boolean) => answers.push(ok));
    expect(answers.at(-1)).toBe(false);
    expect(fake.permissionCheck?.(null, 'media', ORIGIN)).toBe(false);
  });

  it('shows an alert as a native notification (fake Notification); a click focuses the window on that process', () => {
    expect(alertListeners).toHaveLength(1);
    const alert: AlertEvent = { kind: 'alert', rule: 'gave_up', ruleIndex: 1, process: 'api', message: 'api gave up after 5 restarts in a row', time: new Date().toISOString(), count: 1 };
    alertListeners[0]?.(alert);
    expect(fake.notifications).toHaveLength(1);
    const [n] = fake.notifications;
    expect(n?.shown).toBe(true);
    expect(n?.options).toMatchObject({ title: 'Switchyard: api (gave up)', body: 'api gave up after 5 restarts in a row' });
    const focusBefore = fake.focusCalls;
    n?.emit('click');
    expect(fake.focusCalls).toBe(focusBefore + 1);
    expect(fake.windows[0]?.webContents.sent).toEqual([[FOCUS_PROCESS_CHANNEL, 'api']]);
    // A focused window shows alerts in its own list, not as notifications; repeats say their count.
    fake.focused = true;
    alertListeners[0]?.({ ...alert, process: 'db' });
    expect(fake.notifications).toHaveLength(1);
    fake.focused = false;
    alertListeners[0]?.({ ...alert, rule: 'crash', count: 4, message: 'db exited with code 1' });
    expect(fake.notifications[1]?.options.body).toBe('db exited with code 1 (4 times in the last minute)');
  });

  it('holds the quit until every process is stopped, then quits once', async () => {
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    fake.appEvents.emit('before-quit', event);
    expect(event.defaultPrevented).toBe(true);
    fake.appEvents.emit('before-quit', { preventDefault() {} });
    expect(closed).toEqual(['close']);
    const quitsBefore = fake.quitCalls;
    releaseClose();
    await vi.waitFor(() => expect(fake.quitCalls).toBe(quitsBefore + 1));
    expect(closed).toEqual(['close']);
  });

  it('a second instance quits at once', () => {
    fake.lock = false;
    const quits = fake.quitCalls;
    expect(runDesktopApp(async () => core, { preload: 'p' })).toBe(false);
    expect(fake.quitCalls).toBe(quits + 1);
  });
});
