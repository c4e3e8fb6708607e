// The Electron main process entry. Filled by the shells issue; kept thin.
import { app } from 'electron';

void app.whenReady().then(() => {
  app.quit();
});
