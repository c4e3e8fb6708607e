/** The theme switch (system, light, dark): applied to the page at once and remembered. */
import { useEffect } from 'react';
import { useDashboard } from '../dashboard-context';
import { applyTheme, saveTheme, type ThemeChoice } from '../state/theme';

/** See the file comment. */
export function ThemeSwitch() {
  const theme = useDashboard((s) => s.theme);
  const setTheme = useDashboard((s) => s.setTheme);
  useEffect(() => applyTheme(theme), [theme]);
  return (
    <label className="theme-switch">
      <span className="sr-only">Theme</span>
      <select
        aria-label="Theme"
        value={theme}
        onChange={(e) => {
          const choice = e.target.value as ThemeChoice;
          saveTheme(choice);
          setTheme(choice);
        }}
      >
        <option value="system">System theme</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
