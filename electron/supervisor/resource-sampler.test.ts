// Resources from /proc with real processes: a busy loop shows CPU, an HTTP server its port, memory
// is summed over the group and the escapees carrying the marker; nothing is read unless demanded.
import { afterEach, expect, it } from 'vitest';
import { parseStat, parseTcpTable } from './proc-reader';
import { NODE, fixture, runCleanups, setup, sleep, waitUntil } from './test-support';

afterEach(runCleanups);

it('samples CPU, memory and listening ports of each group while demanded, and only then', async () => {
  const { hub, sup } = setup(
    [
      { id: 'busy', command: `${NODE} -e "for (;;) {}"` },
      { id: 'web', command: `${NODE} ${fixture('late-server.mjs')} 0 0` },
      { id: 'idle', command: 'sleep 1000 & sleep 1000' },
      // a port held by a process that left the group still counts: it carries the marker
      { id: 'escaped', command: `setsid ${NODE} ${fixture('late-server.mjs')} 0 0 & wait` },
    ],
    { resourceIntervalMs: 200 },
  );
  sup.start();
  await hub.waitFor(() => hub.lines('web').some((l) => l.line.startsWith('listening ')), 'the web server to listen');
  const port = Number(hub.lines('web').find((l) => l.line.startsWith('listening '))?.line.split(' ')[1]);
  await hub.waitFor(() => hub.lines('escaped').some((l) => l.line.startsWith('listening ')), 'the escaped server to listen');
  const escapedPort = Number(hub.lines('escaped').find((l) => l.line.startsWith('listening '))?.line.split(' ')[1]);
  await sleep(300);
  // nobody looks: nothing sampled, no figures
  expect(sup.list().every((p) => p.cpuPercent === undefined && p.memoryBytes === undefined && p.ports === undefined)).toBe(true);

  const release = sup.demandResources();
  // the bar is low on purpose: the test shares two cores with whatever else runs
  await waitUntil(() => (sup.get('busy').cpuPercent ?? 0) > 10, 'the busy loop to show CPU', 10_000);
  const web = sup.get('web');
  expect(web.ports).toEqual([port]);
  expect(web.memoryBytes).toBeGreaterThan(10 * 1024 * 1024); // a node process
  expect(web.cpuPercent).toBeLessThan(10); // an idle server
  expect(sup.get('idle')).toMatchObject({ ports: [] });
  expect(sup.get('idle').memoryBytes).toBeGreaterThan(0);
  expect(sup.get('busy').memoryBytes).toBeGreaterThan(10 * 1024 * 1024);
  expect(sup.get('escaped').ports).toEqual([escapedPort]);
  expect(sup.get('escaped').memoryBytes).toBeGreaterThan(10 * 1024 * 1024); // the node server outside the group
  // the list on the `processes` channel carries the figures too
  await hub.waitFor(() => {
    const last = hub.messages.filter((m) => m.channel === 'processes').at(-1)?.data as { processes: { id: string; ports?: number[] }[] } | undefined;
    return last?.processes.find((p) => p.id === 'web')?.ports?.[0] === port;
  }, 'a list with the port');
  release();
  release(); // twice is harmless

  await sup.stopProcess('busy');
  expect(sup.get('busy').cpuPercent).toBeUndefined(); // figures belong to a run
});

it('fresh() answers a one-off look (a ps, a scrape) with CPU included', async () => {
  const { hub, sup } = setup([{ id: 'busy', command: `${NODE} -e "for (;;) {}"` }]);
  sup.start();
  await hub.waitStatus('busy', 'running');
  await sleep(200);
  await sup.freshResources();
  expect(sup.get('busy').cpuPercent).toBeGreaterThan(0); // an idle process shows 0; the window is 250 ms on a shared machine
});

it('parses /proc lines whose command names hold spaces and parentheses, and LISTEN rows only', () => {
  const stat = '4242 (my (odd) name) S 1 4242 4242 0 -1 4194304 100 0 0 0 150 50 0 0 20 0 1 0 12345 1000000 300 18446744073709551615';
  expect(parseStat(4242, stat)).toEqual({ pid: 4242, state: 'S', ppid: 1, pgid: 4242, sid: 4242, cpuTicks: 200, startTicks: 12345, rssPages: 300 });
  const table = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 55501 1 0000000000000000 100 0 0 10 0',
    '   1: 0100007F:1F91 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 55502 1 0000000000000000 100 0 0 10 0',
  ].join('\n');
  expect([...parseTcpTable(table)]).toEqual([[55501, 8080]]);
});
