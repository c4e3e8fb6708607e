/** The one thing the Electron preload hands the renderer: where the hub is and how to log in. */
export interface HubConnectionInfo {
  /** `ws://127.0.0.1:PORT/ws` */
  url: string;
  /** The launch token (operator). */
  token: string;
}

/** The IPC channel the preload invokes for {@link HubConnectionInfo}. */
export const HUB_CONNECTION_CHANNEL = 'switchyard:hub-connection';

/** The IPC channel on which the main process asks the window to show a process (a clicked notification). */
export const FOCUS_PROCESS_CHANNEL = 'switchyard:focus-process';

/** What the preload exposes on `window.switchyard`. */
export interface DesktopBridge {
  /** The hub's address and this window's launch token. */
  hubConnection(): Promise<HubConnectionInfo>;
  /** Hear which process a clicked native notification was about; returns an unsubscribe. */
  onFocusProcess(listener: (processId: string) => void): () => void;
}
