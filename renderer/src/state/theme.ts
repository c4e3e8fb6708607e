/**
 * The theme switch: `system` (follow the OS), `light` or `dark`, remembered in localStorage. The
 * page's `<html data-theme>` always holds the resolved `light` or `dark`, so app.css defines each
 * theme once.
 */

/** What the user chose. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'switchyard.theme';
const CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

/** The remembered choice; `system` when none (or storage is refused). */
export function storedTheme(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): ThemeChoice {
  try {
    const v = storage?.getItem(KEY);
    return CHOICES.includes(v as ThemeChoice) ? (v as ThemeChoice) : 'system';
  } catch {
    return 'system';
  }
}

/** Remember a choice (a refused storage only forgets it). */
export function saveTheme(choice: ThemeChoice, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(KEY, choice);
  } catch {
    // Private mode or a full quota: the choice holds for this page only.
  }
}

/** Apply a choice to the page; for `system`, follow the OS until the returned function is called. */
export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement, media = globalThis.matchMedia?.('(prefers-color-scheme: dark)')): () => void {
  const set = () => {
    root.dataset.theme = choice === 'system' ? (media?.matches ? 'dark' : 'light') : choice;
  };
  set();
  if (choice !== 'system' || !media) return () => {};
  media.addEventListener('change', set);
  return () => media.removeEventListener('change', set);
}
