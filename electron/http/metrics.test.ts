// `/metrics` with a real supervisor and real processes: per-process counters and gauges with the
// right Prometheus types and the process label, checked by Debian's `promtool check metrics` where
// it is installed and by a parser of the text format everywhere.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { NODE, runCleanups, setup, waitUntil } from '../supervisor/test-support';
import { createMetrics, type StatsForMetrics } from './metrics';

afterEach(runCleanups);

const stats: StatsForMetrics = {
  clients: 2,
  channels: 3,
  clientList: [{ sent: 10, dropped: 0, queuedBytes: 5 }, { sent: 7, dropped: 1, queuedBytes: 0 }],
  channelList: [{ name: 'process:web', subscribers: 1, seq: 42, retained: 42, ratePerSec: 3 }],
  counters: { connections: 4, published: 42, slowConsumers: 1 },
};

interface Family {
  type: string;
  help: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

/** A small parser of the Prometheus text format (0.0.4): families with their type, help and samples. */
function parse(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { type: '', help: '', samples: [] }));
    return f;
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') family(meta[2] as string).type = meta[3] as string;
      else family(meta[2] as string).help = meta[3] as string;
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const m of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[m[1] as string] = m[2] as string;
    const name = sample[1] as string;
    const base = [...families.keys()].find((f) => name === f || name.startsWith(`${f}_`)) ?? name;
    family(base).samples.push({ name, labels, value: Number(sample[3]) });
  }
  return families;
}

async function scrape(): Promise<{ text: string; families: Map<string, Family>; sup: ReturnType<typeof setup>['sup'] }> {
  const { hub, sup } = setup([
    { id: 'busy', command: `${NODE} -e "for (let i = 0; i < 3; i++) process.stdout.write('line ' + i + '\\n'); for (;;) {}"` },
    { id: 'crashy', command: 'echo bye; exit 1', restart: { mode: 'on-failure', initialDelayMs: 100, maxRestarts: 2 } },
    { id: 'idle', command: 'sleep 1000', autostart: false },
  ]);
  sup.start();
  await hub.waitFor(() => hub.lines('busy').length === 3, 'the busy lines');
  await waitUntil(() => sup.get('crashy').gaveUp === true, 'crashy to give up');
  const text = (await createMetrics(() => stats, sup).render()).body;
  return { text, families: parse(text), sup };
}

describe('/metrics', () => {
  it('has per-process counters and gauges, labelled by process, with the right types', async () => {
    const { families } = await scrape();
    const value = (name: string, proc: string): number | undefined =>
      families.get(name)?.samples.find((s) => s.name === name && s.labels.process === proc)?.value;
    for (const [name, type] of [
      ['switchyard_supervised_output_lines_total', 'counter'],
      ['switchyard_supervised_output_bytes_total', 'counter'],
      ['switchyard_supervised_restarts_total', 'counter'],
      ['switchyard_supervised_up', 'gauge'],
      ['switchyard_supervised_cpu_percent', 'gauge'],
      ['switchyard_supervised_memory_bytes', 'gauge'],
      ['switchyard_hub_events_total', 'counter'],
      ['switchyard_watchdog_restarts_total', 'counter'],
      ['switchyard_hub_clients', 'gauge'],
    ] as const) {
      expect(families.get(name)?.type, name).toBe(type);
      expect(families.get(name)?.help, name).not.toBe('');
    }
    expect(value('switchyard_supervised_output_lines_total', 'busy')).toBe(3);
    expect(value('switchyard_supervised_output_bytes_total', 'busy')).toBe('line 0\nline 1\nline 2\n'.length);
    expect(value('switchyard_supervised_restarts_total', 'crashy')).toBe(2);
    expect(value('switchyard_supervised_restarts_total', 'idle')).toBe(0);
    expect(value('switchyard_supervised_up', 'busy')).toBe(1);
    expect(value('switchyard_supervised_up', 'crashy')).toBe(0);
    expect(value('switchyard_supervised_up', 'idle')).toBe(0);
    expect(value('switchyard_supervised_cpu_percent', 'busy')).toBeGreaterThan(0); // a scrape samples fresh figures (0 for an idle process)
    expect(value('switchyard_supervised_memory_bytes', 'busy')).toBeGreaterThan(1024 * 1024);
    expect(value('switchyard_supervised_memory_bytes', 'idle')).toBeUndefined(); // not running: no figure
    expect(families.get('switchyard_hub_events_total')?.samples.find((s) => s.labels.kind === 'slowConsumers')?.value).toBe(1);
    // every counter's samples end in _total, and no gauge's does
    for (const [name, f] of families) {
      if (f.type === 'counter') expect(name.endsWith('_total'), name).toBe(true);
      if (f.type === 'gauge') expect(name.endsWith('_total'), name).toBe(false);
    }
  });

  const promtool = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => existsSync(p));
  it.skipIf(!promtool)('passes `promtool check metrics` (Debian package prometheus)', async () => {
    const { text } = await scrape();
    const check = spawnSync(promtool as string, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
