/**
 * The dashboard's keys (listed in the `?` sheet): j/k move between processes, / searches the logs,
 * r restarts the open process after a confirmation, a opens the alerts, 1/2/3 the panels. Keys
 * typed into a field, or with a modifier, are left alone.
 */
import { useEffect } from 'react';
import { ALL_PROCESSES } from '../logs/log-book';
import type { DashboardStore } from '../state/dashboard-store';

/** The keys and what they do, for the help sheet. */
export const SHORTCUTS: ReadonlyArray<readonly [string, string]> = [
  ['j / k', 'next / previous process'],
  ['↓ / ↑', 'move between processes in the sidebar'],
  ['/', 'search the logs'],
  ['r', 'restart the open process (asks first; operators)'],
  ['a', 'open the alerts'],
  ['1 / 2 / 3', 'Logs / Startup / Hub panel'],
  ['?', 'this sheet'],
  ['Esc', 'close a dialog'],
];

/** Whether a key event belongs to a field being typed into. */
function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/** Handle one key; returns whether it was a shortcut. Exported for tests. */
export function handleShortcut(key: string, store: DashboardStore, focusSearch: () => void): boolean {
  const s = store.getState();
  const ids = [ALL_PROCESSES, ...s.processes.map((p) => p.id)];
  switch (key) {
    case 'j':
    case 'k': {
      const at = Math.max(0, ids.indexOf(s.selected));
      const next = ids[Math.max(0, Math.min(ids.length - 1, at + (key === 'j' ? 1 : -1)))] ?? ALL_PROCESSES;
      s.select(next);
      return true;
    }
    case '/':
      s.setTab('logs');
      focusSearch();
      return true;
    case 'r':
      if (s.role !== 'operator' || s.selected === ALL_PROCESSES) return false;
      s.setOverlay({ kind: 'confirm', action: 'restart', id: s.selected });
      return true;
    case 'a':
      s.setOverlay({ kind: 'alerts' });
      return true;
    case '1':
    case '2':
    case '3':
      s.setTab(key === '1' ? 'logs' : key === '2' ? 'startup' : 'hub');
      return true;
    case '?':
      s.setOverlay({ kind: 'help' });
      return true;
    default:
      return false;
  }
}

/** Listen on the window while mounted. */
export function useKeyboardShortcuts(store: DashboardStore): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || store.getState().overlay) return;
      const focusSearch = () => requestAnimationFrame(() => document.querySelector<HTMLInputElement>('input[aria-label="Search logs"]')?.focus());
      if (handleShortcut(e.key, store, focusSearch)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
}
