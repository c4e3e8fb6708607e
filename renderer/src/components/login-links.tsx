/**
 * "Open in a browser": a one-time viewer or operator login link (`hub.loginLink`), copied to the
 * clipboard and shown so it can be opened or copied by hand when the clipboard is refused.
 */
import { useState } from 'react';
import { useServices } from '../dashboard-context';
import type { Role } from '../state/dashboard-store';

/** The two link buttons and the last link issued. */
export function LoginLinks() {
  const { actions, origin } = useServices();
  const [link, setLink] = useState<{ role: Role; url: string; copied: boolean } | null>(null);
  const issue = async (role: Role) => {
    const raw = await actions.loginLink(role);
    if (!raw) return;
    const url = origin ? new URL(raw, origin).toString() : raw;
    let copied = false;
    try {
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch {
      // Clipboard refused (no focus, no permission): the link stays visible to copy by hand.
    }
    setLink({ role, url, copied });
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
      {link && (
        <span className="login-result" data-testid="login-link" role="status">
          {link.copied ? `${link.role} link copied (works once): ` : `${link.role} link (works once): `}
          <input readOnly aria-label="Login link" value={link.url} onFocus={(e) => e.target.select()} />
        </span>
      )}
    </div>
  );
}
