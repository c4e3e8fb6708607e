/** How `switchyard logs` prints a line: `name | data`, the names aligned and coloured on a terminal; escapes stripped when not. */
import type { LogEntry } from './log-entries';
import { paint, stripAnsi, type Style } from './text-style';

const PALETTE: Style[] = ['cyan', 'yellow', 'green', 'magenta', 'blue', 'red'];

/** Prints entries to `out`. */
export class LogPrinter {
  private width = 0;
  private readonly styles = new Map<string, Style>();

  constructor(
    private readonly out: (text: string) => void,
    private readonly colour: boolean,
    names: readonly string[] = [],
  ) {
    for (const name of names) this.know(name);
  }

  /** Print one line. */
  line(entry: LogEntry): void {
    this.know(entry.process);
    const data = this.colour ? (entry.data.includes('\x1b') ? `${entry.data}\x1b[0m` : entry.data) : stripAnsi(entry.data);
    this.out(`${this.prefix(entry.process)}${data}\n`);
  }

  /** Print a note about a process (a status change while following). */
  note(process: string, text: string): void {
    this.know(process);
    this.out(`${this.prefix(process)}${paint(text, 'dim', this.colour)}\n`);
  }

  private prefix(process: string): string {
    return `${paint(process.padEnd(this.width), this.styles.get(process) as Style, this.colour)} | `;
  }

  private know(name: string): void {
    if (this.styles.has(name)) return;
    this.styles.set(name, PALETTE[this.styles.size % PALETTE.length] as Style);
    this.width = Math.max(this.width, name.length);
  }
}

/** Whether an entry passes `--grep` (matched against the text without escapes). */
export function matches(entry: LogEntry, grep: RegExp | undefined): boolean {
  if (!grep) return true;
  grep.lastIndex = 0;
  return grep.test(stripAnsi(entry.data));
}
