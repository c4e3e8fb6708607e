// The preload: one small, hand-picked object on window.switchyard, never ipcRenderer itself.
import { contextBridge, ipcRenderer } from 'electron';
import { HUB_CONNECTION_CHANNEL, type HubConnectionInfo } from '../../shared/bridge';

const api = {
  /** The hub's address and this window's launch token. */
  hubConnection: (): Promise<HubConnectionInfo> => ipcRenderer.invoke(HUB_CONNECTION_CHANNEL),
};

contextBridge.exposeInMainWorld('switchyard', api);
