/**
 * The terminal of a `tty: true` process: xterm.js fed by a {@link TerminalFeed} (the hub's
 * snapshot, then the channel's live output). Loaded on demand (process-pane.tsx imports it
 * lazily), so xterm costs the first paint nothing.
 *
 * - The size is the process's: the view draws at the size the hub says (snapshot, resize events).
 *   An operator's pane decides it: when the pane changes size (or the view opens), the view asks
 *   the hub for `process.resize` to what fits; viewers never resize, their pane scrolls instead.
 * - Operators type into it (`process.input`, keystrokes as xterm encodes them; a long paste in
 *   pieces); for viewers the input is disabled and the view says "read-only".
 * - The view never passes on xterm's answers to the program's queries (terminal-replies.ts).
 * - Copy: Ctrl+C copies the selection when there is one (else it is ^C for the program),
 *   Ctrl+Shift+C always copies; paste: Ctrl+Shift+V or the browser's paste (operators).
 */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { processChannel } from '../../../shared/protocol';
import type { HubConnection } from '../connection/hub-connection';
import { TerminalFeed } from './terminal-feed';
import { isTerminalReply } from './terminal-replies';

/** Props of {@link TerminalView}. */
export interface TerminalViewProps {
  processId: string;
  /** Operators type and resize; viewers only watch. */
  operator: boolean;
  hub: HubConnection;
  /** Where a refused input or resize is reported. */
  onNotice(text: string): void;
}

/** Longest piece of a paste per `process.input` (the hub takes frames up to 64 KiB). */
const INPUT_PIECE = 16 * 1024;
/** Rows of scrollback kept in the page. */
const SCROLLBACK = 5000;
/** How long the pane must keep its size before the process is resized. */
const RESIZE_SETTLE_MS = 120;

/** See the file comment. Default export for `React.lazy`. */
export default function TerminalView({ processId, operator, hub, onNotice }: TerminalViewProps) {
  const host = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<{ cols: number; rows: number } | null>(null);
  const [ready, setReady] = useState(false);
  const notice = useRef(onNotice);
  notice.current = onNotice;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const term = new Terminal({
      scrollback: SCROLLBACK,
      disableStdin: !operator,
      cursorBlink: operator,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
      fontSize: 13,
      allowProposedApi: false,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    const fail = (what: string) => (e: unknown) => notice.current(`${what} failed: ${e instanceof Error ? e.message : String(e)}`);

    let resizeTimer: ReturnType<typeof setTimeout> | null = null;
    const fitProcess = () => {
      resizeTimer = null;
      if (!operator || !feed.ready) return;
      const want = fit.proposeDimensions();
      if (!want || !(want.cols >= 2) || !(want.rows >= 1)) return;
      const cols = Math.min(1000, want.cols);
      const rows = Math.min(500, want.rows);
      if (cols !== term.cols || rows !== term.rows) void hub.request('process.resize', { id: processId, cols, rows }).catch(fail('Resize'));
    };
    const scheduleFit = () => {
      if (resizeTimer) clearTimeout(resizeTimer);
      resizeTimer = setTimeout(fitProcess, RESIZE_SETTLE_MS);
    };

    const feed = new TerminalFeed(
      {
        reset: () => term.reset(),
        resize: (cols, rows) => {
          term.resize(cols, rows);
          setSize({ cols, rows });
        },
        write: (data) => term.write(data),
      },
      async () => {
        const snapshot = await hub.request('process.screen', { id: processId });
        // The snapshot is drawn right after this resolves; then the pane decides the size.
        queueMicrotask(() => {
          setReady(true);
          scheduleFit();
        });
        return snapshot;
      },
    );
    const offChannel = hub.subscribe(processChannel(processId), (m) => feed.message(m));
    const offStatus = hub.onStatus((status) => {
      if (status.kind === 'connected') feed.refresh();
      else setReady(false);
    });

    if (operator) {
      // A key's data comes right after its onKey; anything else shaped like an answer is one.
      let keyed: string | null = null;
      term.onKey(({ key }) => (keyed = key));
      term.onData((data) => {
        const fromKey = keyed === data;
        keyed = null;
        if (!fromKey && isTerminalReply(data)) return; // the server's terminal answered already
        for (let i = 0; i < data.length; i += INPUT_PIECE) {
          void hub.request('process.input', { id: processId, data: data.slice(i, i + INPUT_PIECE) }).catch(fail('Input'));
        }
      });
    }
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown' || !(e.ctrlKey || e.metaKey)) return true;
      const key = e.key.toLowerCase();
      if (key === 'c' && (e.shiftKey || term.hasSelection())) {
        if (term.hasSelection()) void navigator.clipboard?.writeText(term.getSelection()).catch(fail('Copy'));
        term.clearSelection();
        return false;
      }
      if (key === 'v' && e.shiftKey) {
        if (operator) void navigator.clipboard?.readText().then((text) => term.paste(text), fail('Paste'));
        return false;
      }
      return true;
    });

    const observer = new ResizeObserver(scheduleFit);
    observer.observe(el);
    return () => {
      observer.disconnect();
      if (resizeTimer) clearTimeout(resizeTimer);
      offStatus();
      offChannel();
      feed.close();
      term.dispose();
    };
  }, [processId, operator, hub]);

  return (
    <div className="terminal-view" data-testid="terminal-view" data-ready={ready ? 'true' : 'false'}>
      <div className="terminal-bar">
        <span data-testid="terminal-size">{size ? `${size.cols}×${size.rows}` : '…'}</span>
        {!operator && (
          <span className="terminal-readonly" data-testid="terminal-readonly">
            read-only
          </span>
        )}
        {!ready && <span className="terminal-wait">connecting to the terminal…</span>}
      </div>
      <div
        className="terminal-host"
        ref={host}
        role="region"
        aria-label={`Terminal of ${processId}`}
        data-cols={size?.cols}
        data-rows={size?.rows}
        data-readonly={operator ? 'false' : 'true'}
      />
    </div>
  );
}
