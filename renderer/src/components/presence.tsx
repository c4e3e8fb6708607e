/** Who is connected, from the hub's statistics (`clientList`): user and role, this page marked. */
import { useDashboard } from '../dashboard-context';

/** Chips shown before the rest is folded into "+N". */
const SHOWN = 4;

/** See the file comment. */
export function Presence() {
  const clients = useDashboard((s) => s.stats?.clientList);
  const total = useDashboard((s) => s.stats?.clients ?? 0);
  const self = useDashboard((s) => s.selfClientId);
  if (!clients) return null;
  // Ourselves first, then by user: the bar reads "you, then the others".
  const sorted = [...clients].sort((a, b) => Number(b.id === self) - Number(a.id === self) || a.userId.localeCompare(b.userId));
  const more = total - Math.min(SHOWN, sorted.length);
  return (
    <ul className="presence" aria-label="Connected" data-testid="presence">
      {sorted.slice(0, SHOWN).map((c) => (
        <li key={c.id} className={c.id === self ? 'presence-chip self' : 'presence-chip'} data-testid="presence-chip" title={`${c.userId} (${c.role}) from ${c.remote}, client ${c.id}`}>
          <span className="presence-user">{c.userId}</span> <span className="presence-role">{c.role}</span>
          {c.id === self && <span className="presence-you"> (you)</span>}
        </li>
      ))}
      {more > 0 && <li className="presence-chip more" title={`${more} more connected`}>+{more}</li>}
    </ul>
  );
}
