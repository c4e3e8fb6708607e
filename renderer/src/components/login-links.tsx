/**
 * "Open in a browser": a one-time viewer or operator login link (`hub.loginLink`), shown in a
 * dialog with a copy button and how long it lasts.
 */
import { useDashboard, useServices } from '../dashboard-context';
import type { Role } from '../state/dashboard-store';

/** The two link buttons; the link itself opens in {@link LoginLinkDialog}. */
export function LoginLinks() {
  const { actions, origin } = useServices();
  const setOverlay = useDashboard((s) => s.setOverlay);
  const issue = async (role: Role) => {
    const link = await actions.loginLink(role);
    if (!link) return;
    const url = origin ? new URL(link.url, origin).toString() : link.url;
    setOverlay({ kind: 'login-link', role, url, expiresAt: link.expiresAt });
  };
  return (
    <div className="login-links" role="group" aria-label="Open in a browser">
      <span className="login-title">Open in a browser:</span>
      <button type="button" aria-label="Copy viewer login link" onClick={() => void issue('viewer')}>
        viewer link
      </button>
      <button type="button" aria-label="Copy operator login link" onClick={() => void issue('operator')}>
        operator link
      </button>
    </div>
  );
}
