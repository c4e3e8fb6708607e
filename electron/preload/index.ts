// The preload: one small, hand-picked object on window.switchyard, never ipcRenderer itself.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { FOCUS_PROCESS_CHANNEL, HUB_CONNECTION_CHANNEL, type DesktopBridge, type HubConnectionInfo } from '../../shared/bridge';

const api: DesktopBridge = {
  hubConnection: (): Promise<HubConnectionInfo> => ipcRenderer.invoke(HUB_CONNECTION_CHANNEL),
  onFocusProcess: (listener) => {
    // Only the id crosses, checked: the page never sees the IPC event object.
    const handler = (_event: IpcRendererEvent, id: unknown) => {
      if (typeof id === 'string' && id.length <= 200) listener(id);
    };
    ipcRenderer.on(FOCUS_PROCESS_CHANNEL, handler);
    return () => void ipcRenderer.removeListener(FOCUS_PROCESS_CHANNEL, handler);
  },
};

contextBridge.exposeInMainWorld('switchyard', api);
