/** The login link just issued: the link, a copy button, and until when it works. */
import { useEffect, useState } from 'react';
import { formatClock, formatDuration, msOf } from '../state/clock';
import type { Overlay } from '../state/dashboard-store';
import { Modal } from './modal';

/** Props of {@link LoginLinkDialog}. */
export interface LoginLinkDialogProps {
  link: Extract<Overlay, { kind: 'login-link' }>;
  onClose(): void;
}

/** See the file comment. */
export function LoginLinkDialog({ link, onClose }: LoginLinkDialogProps) {
  const [copied, setCopied] = useState<'yes' | 'refused' | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const expires = msOf(link.expiresAt);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link.url);
      setCopied('yes');
    } catch {
      setCopied('refused'); // no focus or no permission: the field below is selected for a manual copy
    }
  };
  const lasts =
    expires === undefined
      ? 'It works once.'
      : expires <= now
        ? `It expired at ${formatClock(expires)}: issue a new one.`
        : `It works once, until ${formatClock(expires)} (in ${formatDuration(expires - now)}).`;
  return (
    <Modal title={`${link.role === 'operator' ? 'Operator' : 'Viewer'} login link`} onClose={onClose} testId="login-link">
      <p>
        Open this link in a browser to see the dashboard as {link.role === 'operator' ? 'an operator (may start, stop and add processes)' : 'a viewer (may only watch)'}.{' '}
        <span data-testid="login-link-expiry">{lasts}</span>
      </p>
      <div className="link-row">
        <input readOnly aria-label="Login link" value={link.url} onFocus={(e) => e.target.select()} data-autofocus />
        <button type="button" onClick={() => void copy()}>
          Copy link
        </button>
      </div>
      <p role="status" className="muted">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'refused' ? 'The browser refused the clipboard: select the link and copy it by hand.' : ''}
      </p>
    </Modal>
  );
}
