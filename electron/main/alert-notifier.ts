/**
 * Alerts as native notifications of the desktop window. Shown while the window is not focused
 * (a focused window shows them in its alert list); clicking one brings the window up and asks
 * the page to show that process's logs.
 */
import { Notification, type BrowserWindow } from 'electron';
import { FOCUS_PROCESS_CHANNEL } from '../../shared/bridge';
import type { AlertEvent } from '../../shared/protocol';

/** Most notifications kept referenced (Electron drops the click handler of one garbage-collected). */
const KEEP = 20;

/** See the file comment. */
export class AlertNotifier {
  /** Notifications shown. */
  shown = 0;
  private readonly live = new Set<Notification>();

  constructor(private readonly window: () => BrowserWindow | undefined) {}

  /** Show one alert, unless the window has the focus or the system has no notifications. */
  notify(alert: AlertEvent): void {
    const win = this.window();
    if (win?.isFocused() || !Notification.isSupported()) return;
    const times = alert.count > 1 ? ` (${alert.count} times in the last minute)` : '';
    const n = new Notification({ title: `Switchyard: ${alert.process} (${alert.rule.replace('_', ' ')})`, body: `${alert.message}${times}`, silent: false });
    n.on('click', () => this.focus(alert.process));
    n.on('close', () => this.live.delete(n));
    this.live.add(n);
    if (this.live.size > KEEP) this.live.delete(this.live.values().next().value as Notification);
    n.show();
    this.shown++;
  }

  private focus(processId: string): void {
    const win = this.window();
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
    win.webContents.send(FOCUS_PROCESS_CHANNEL, processId);
  }
}
