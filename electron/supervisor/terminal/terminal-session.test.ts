// A TerminalSession over real pseudo-terminals: bounded batches, the snapshot a late viewer gets
// against the screen of a viewer that saw everything, resizes in order with the output.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../../shared/test-support/until';
import { PtyRun } from './pty-run';
import { renderScreen, type ScreenMessage } from './screen-replay';
import { TerminalSession } from './terminal-session';

const FULL_SCREEN = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(__dirname, 'fixtures', 'full-screen.mjs'))}`;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A session that records what it publishes, with a real run of `command`. */
function start(command: string, options: ConstructorParameters<typeof TerminalSession>[2] = {}) {
  const messages: ScreenMessage[] = [];
  const lines: string[] = [];
  const session = new TerminalSession('t', {
    output: async (data) => {
      const seq = messages.length + 1;
      messages.push({ type: 'terminal_output', data, seq });
      await new Promise((r) => setImmediate(r)); // an engine numbers now and answers later
      return seq;
    },
    event: (data) => {
      messages.push({ type: 'event', data, seq: messages.length + 1 });
    },
  }, options);
  const run = PtyRun.spawn({ shell: '/bin/sh', command, cwd: process.cwd(), env: process.env, ...session.size });
  const exited = new Promise<[number | null, string | null]>((resolve) => run.onExit((code, signal) => resolve([code, signal])));
  session.attach(run, (l) => lines.push(l));
  cleanups.push(async () => {
    run.write('q');
    try {
      process.kill(-run.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
    session.close();
  });
  return { session, run, messages, lines, exited };
}

const text = (messages: ScreenMessage[]) => messages.filter((m) => m.type === 'terminal_output').map((m) => m.data).join('');

describe('TerminalSession', () => {
  it('publishes a flood in bounded messages that add up to the output', async () => {
    const { messages, exited, session } = start(`${JSON.stringify(process.execPath)} -e "process.stdout.write('\\u00e9x'.repeat(300000))"`, { maxChunkChars: 4096 });
    await exited;
    await session.detach();
    const out = messages.filter((m) => m.type === 'terminal_output');
    for (const m of out) expect((m.data as string).length).toBeLessThanOrEqual(4096);
    const all = text(messages);
    const want = '\u00e9x'.repeat(300000);
    let at = 0;
    while (at < want.length && all[at] === want[at]) at++;
    // (not toBe: a failure would print 600,000 characters twice)
    expect({ length: all.length, firstDifference: at < want.length ? at : -1 }).toEqual({ length: want.length, firstDifference: -1 });
    expect(out.length).toBeGreaterThanOrEqual(600000 / 4096);
  });

  it("gives a late viewer the screen of a viewer that saw everything, a full-screen program's too", async () => {
    const { session, messages } = start(FULL_SCREEN);
    await until(() => text(messages).includes('tick 20'), 'twenty frames');
    const snapshot = await session.snapshot();
    expect(snapshot).toMatchObject({ cols: 120, rows: 30 });
    expect(snapshot.seq).toBeGreaterThan(0);
    // The late viewer shows the snapshot, then what follows it; both render the same screen at every point.
    await until(() => text(messages).includes('tick 40'), 'forty frames');
    const upTo = messages.slice();
    const early = await renderScreen(upTo, session.size);
    const late = await renderScreen(upTo, session.size, snapshot);
    expect(late).toBe(early);
    expect(late).toContain('full-screen 120x30');
    // and at the very moment of a snapshot, with nothing after it
    const now = await session.snapshot();
    expect(await renderScreen([], session.size, now)).toBe(await renderScreen(messages.filter((m) => (m.seq ?? 0) <= now.seq), session.size));
  });

  it('resizes in order with the output: the program redraws for the new size, a late viewer gets it', async () => {
    const { session, messages } = start(FULL_SCREEN);
    await until(() => text(messages).includes('tick 5'), 'frames');
    expect(session.resize(80, 24)).toEqual({ cols: 80, rows: 24 });
    const resize = messages.find((m) => m.type === 'event');
    expect(resize?.data).toEqual({ kind: 'terminal_resize', cols: 80, rows: 24 });
    await until(() => text(messages).includes('full-screen 80x24'), 'a redraw at 80x24');
    const snapshot = await session.snapshot();
    expect(snapshot).toMatchObject({ cols: 80, rows: 24 });
    expect(await renderScreen([], { cols: 120, rows: 30 }, snapshot)).toBe(await renderScreen(messages.filter((m) => (m.seq ?? 0) <= snapshot.seq), { cols: 120, rows: 30 }));
  });

  it('logs what the program leaves on the normal screen, not its frames', async () => {
    const { lines, exited, session, run } = start(`${FULL_SCREEN} 10`);
    expect(await exited).toEqual([0, null]);
    await session.detach();
    expect(run.pid).toBeGreaterThan(1);
    expect(lines).toEqual(['before the screen', 'after the screen, 10 ticks']);
  });
});

describe('TerminalSession snapshots mid-frame', () => {
  it('keep the scroll region, a hidden cursor and a pending wrap', async () => {
    // A program stopped in the middle of a frame: region set, cursor hidden, parked past the edge.
    const { session, messages } = start(`printf '\\033[?25l\\033[3;6r\\033[6;1H%s\\033[31m%120s' x y; printf '\\033[0m'; sleep 30`);
    await until(() => text(messages).includes('y'), 'the frame');
    const snapshot = await session.snapshot();
    // what follows the snapshot: a character that wraps, a line feed that scrolls the region
    const more: ScreenMessage[] = [{ type: 'terminal_output', seq: snapshot.seq + 1, data: 'Z\n\nW' }];
    const early = await renderScreen([...messages.filter((m) => (m.seq ?? 0) <= snapshot.seq), ...more], session.size);
    const late = await renderScreen(more, session.size, snapshot);
    expect(late).toBe(early);
    expect(early).toContain('"cursorHidden": true');
  });
});

describe('TerminalSession answers', () => {
  it("answers the program's cursor-position query itself, with nobody watching", async () => {
    const { lines, exited, session } = start(`exec bash ${JSON.stringify(join(__dirname, 'fixtures', 'cursor-query.sh'))}`);
    expect(await exited).toEqual([0, null]);
    await session.detach();
    expect(lines).toContain('answer=1;3');
  });
});
