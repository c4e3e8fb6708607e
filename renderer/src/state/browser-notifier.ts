/**
 * Alerts as browser notifications (the Notification API), for a dashboard in a browser tab. The
 * permission is asked only when the user presses the button that says why, never on page load;
 * the desktop window has native notifications from its main process instead.
 */
import type { AlertEvent } from '../../../shared/protocol';

/** Where the permission stands: `unsupported` in a browser without the API (or in the desktop window). */
export type NotifyPermission = 'default' | 'granted' | 'denied' | 'unsupported';

/** What the notifier needs of the page (the real `window`, or a test's). */
export interface NotifyHost {
  Notification?: typeof Notification;
  focus(): void;
}

/** See the file comment. */
export class BrowserNotifier {
  /** Notifications shown. */
  shown = 0;

  constructor(
    private readonly host: NotifyHost | null,
    /** Show the process an alert is about (a click on the notification). */
    private readonly showProcess: (id: string) => void,
  ) {}

  /** Where the permission stands. */
  permission(): NotifyPermission {
    const N = this.host?.Notification;
    return N ? (N.permission as NotifyPermission) : 'unsupported';
  }

  /** Ask once (the caller is a click on the button that explains why). */
  async ask(): Promise<NotifyPermission> {
    const N = this.host?.Notification;
    if (!N) return 'unsupported';
    // Denied stays denied (the browser would not ask again anyway); otherwise ask, which answers at
    // once without a prompt when the permission was already given elsewhere.
    if (N.permission === 'denied') return 'denied';
    return (await N.requestPermission()) as NotifyPermission;
  }

  /** Show one alert, where the user allowed it. */
  notify(alert: AlertEvent): void {
    const N = this.host?.Notification;
    if (!N || N.permission !== 'granted') return;
    const times = alert.count > 1 ? ` (${alert.count} times in the last minute)` : '';
    // `tag` per rule and process: a repeat replaces the previous notification instead of stacking.
    const n = new N(`Switchyard: ${alert.process} (${alert.rule.replace('_', ' ')})`, { body: `${alert.message}${times}`, tag: `${alert.ruleIndex}:${alert.process}` });
    n.onclick = () => {
      this.host?.focus();
      this.showProcess(alert.process);
      n.close();
    };
    this.shown++;
  }
}
