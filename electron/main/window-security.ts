/**
 * Electron's security checklist for the dashboard window, as plain functions over the electron
 * objects they harden, so that they can be checked with a fake electron module where the binary
 * cannot run. The window shows the dashboard from the hub's own HTTP origin; everything that
 * leaves that origin is denied.
 */
import type { IpcMainInvokeEvent, Session, WebContents } from 'electron';
import { isHttpUrl } from '../../shared/http-url';

/** The one permission the dashboard uses: writing a login link to the clipboard. */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

/** Whether a URL is on the app's own origin. */
export function isAppUrl(url: string, appOrigin: string): boolean {
  try {
    return new URL(url).origin === appOrigin;
  } catch {
    return false;
  }
}

/** Whether a link may be handed to the system browser: only http(s), never file:, javascript: or custom schemes. */
export function isSafeExternalUrl(url: string): boolean {
  return isHttpUrl(url);
}

/** Deny navigation away from the app, new windows (safe links go to the system browser) and webviews. */
export function hardenWebContents(contents: WebContents, appOrigin: string, openExternal: (url: string) => unknown): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appOrigin)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, appOrigin)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url) && !isAppUrl(url, appOrigin)) void openExternal(url);
    return { action: 'deny' };
  });
}

/** Deny every permission request and check, except clipboard writes from the app itself. */
export function hardenSession(ses: Session, appOrigin: string): void {
  ses.setPermissionRequestHandler((contents, permission, callback) => {
    callback(ALLOWED_PERMISSIONS.has(permission) && isAppUrl(contents.getURL(), appOrigin));
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) => ALLOWED_PERMISSIONS.has(permission) && requestingOrigin === appOrigin);
}

/** Whether an IPC message comes from the app's own top frame (the check every IPC handler makes). */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>, appOrigin: string): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(frame.url, appOrigin);
}
