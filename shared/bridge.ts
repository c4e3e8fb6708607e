/** The one thing the Electron preload hands the renderer: where the hub is and how to log in. */
export interface HubConnectionInfo {
  /** `ws://127.0.0.1:PORT/ws` */
  url: string;
  /** The launch token (operator). */
  token: string;
}

/** The IPC channel the preload invokes for {@link HubConnectionInfo}. */
export const HUB_CONNECTION_CHANNEL = 'switchyard:hub-connection';
