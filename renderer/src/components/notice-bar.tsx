/** The last action's outcome or failure, dismissible, announced to screen readers. */
import { useEffect } from 'react';
import { useDashboard } from '../dashboard-context';

/** A one-line notice under the top bar; hides itself after a while. */
export function NoticeBar() {
  const notice = useDashboard((s) => s.notice);
  const setNotice = useDashboard((s) => s.setNotice);
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice(null), 8000);
    return () => clearTimeout(t);
  }, [notice, setNotice]);
  if (!notice) return null;
  return (
    <div className="notice" role="status" data-testid="notice">
      <span>{notice}</span>
      <button type="button" aria-label="Dismiss notice" onClick={() => setNotice(null)}>
        ×
      </button>
    </div>
  );
}
