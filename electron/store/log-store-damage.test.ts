import { readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogStore } from './log-store';
import { storeFixture } from './test-fixture';

const fixture = storeFixture('damage');

function open(warnings: string[] = []): LogStore {
  return fixture.open({ onWarning: (m) => warnings.push(m) });
}

/** Write `batches` frames of 10 lines each (`b<batch>-<line>`) for process `web`, close, and return the segment's path. */
async function writeBatches(batches: number): Promise<string> {
  const store = open();
  store.beginRun('web', 1);
  for (let b = 0; b < batches; b++) {
    for (let i = 0; i < 10; i++) store.append('web', 'stdout', `b${b}-${i}`, undefined, 100 + b * 10 + i);
    store.flush();
  }
  await fixture.closeAll();
  const [proc] = readdirSync(store.dir, { withFileTypes: true }).filter((e) => e.isDirectory());
  const dir = join(store.dir, proc?.name as string);
  const segments = readdirSync(dir).filter((n) => n.endsWith('.seg'));
  expect(segments).toHaveLength(1);
  return join(dir, segments[0] as string);
}

/** Offsets of the frames of a file (magic u32, length u32, crc u32, payload). */
function frameOffsets(path: string): number[] {
  const buf = readFileSync(path);
  const offsets: number[] = [];
  for (let pos = 0; pos + 12 <= buf.length; pos += 12 + buf.readUInt32LE(pos + 4)) offsets.push(pos);
  return offsets;
}

async function dataOf(store: LogStore): Promise<string[]> {
  return (await store.read({ limit: 10_000 })).lines.map((l) => l.data);
}

const batch = (b: number): string[] => Array.from({ length: 10 }, (_, i) => `b${b}-${i}`);

describe('LogStore: damaged and torn segments', () => {
  it('skips a segment cut in the middle of its last record, with a counted warning; everything before it stays readable', async () => {
    const path = await writeBatches(5);
    const frames = frameOffsets(path);
    // Frames: header, run begin, 5 line batches. Cut the last batch in half.
    const last = frames[frames.length - 1] as number;
    truncateSync(path, last + 30);
    const warnings: string[] = [];
    const store = open(warnings);
    expect(await dataOf(store)).toEqual([0, 1, 2, 3].flatMap(batch));
    expect(store.stats().corruptRecords).toBe(1);
    expect(warnings.join('\n')).toMatch(/torn \(truncated\) record .* at byte \d+ was skipped/);
    // The store goes on in a new segment; the torn one is never appended to.
    store.append('web', 'stdout', 'after the crash');
    expect((await dataOf(store)).slice(-2)).toEqual(['b3-9', 'after the crash']);
  });

  it('skips a record whose bytes were damaged (CRC), keeps the records before and after it, and counts it once', async () => {
    const path = await writeBatches(5);
    const frames = frameOffsets(path);
    const buf = readFileSync(path);
    // Flip a byte inside the text of the third batch (frame 4 of header, run, batches…).
    const third = frames[4] as number;
    const at = third + buf.readUInt32LE(third + 4);
    buf[at] = (buf[at] as number) ^ 0x55;
    writeFileSync(path, buf);
    const warnings: string[] = [];
    const store = open(warnings);
    expect(await dataOf(store)).toEqual([0, 1, 3, 4].flatMap(batch));
    expect(await dataOf(store)).toEqual([0, 1, 3, 4].flatMap(batch));
    expect(store.stats().corruptRecords).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/damaged record/);
  });

  it('finds its footing again after a damaged length field', async () => {
    const path = await writeBatches(4);
    const frames = frameOffsets(path);
    const buf = readFileSync(path);
    buf.writeUInt32LE(0xfffffff, (frames[3] as number) + 4);
    writeFileSync(path, buf);
    // The file keeps its size, so its index still matches: drop the index, as after a crash, so
    // that the segment is scanned frame by frame.
    rmSync(path.replace(/\.seg$/, '.idx'));
    const store = open();
    expect(await dataOf(store)).toEqual([0, 2, 3].flatMap(batch));
    expect(store.stats().corruptRecords).toBe(1);
  });

  it('refuses a well-formed frame whose seqs run backward (a replayed or forged record)', async () => {
    const path = await writeBatches(3);
    const frames = frameOffsets(path);
    const buf = readFileSync(path);
    // Append a byte-exact copy of the first batch: its CRC is good, its place in the order is not.
    const first = frames[2] as number;
    const copy = buf.subarray(first, frames[3]);
    writeFileSync(path, Buffer.concat([buf, copy]));
    rmSync(path.replace(/\.seg$/, '.idx'));
    const store = open();
    expect(await dataOf(store)).toEqual([0, 1, 2].flatMap(batch));
    expect(store.stats().corruptRecords).toBe(1);
  });

  it('skips a segment of garbage and reads the other segments', async () => {
    const path = await writeBatches(2);
    writeFileSync(path.replace(/\d{8}\.seg$/, '00000000.seg'), Buffer.from('not a segment at all, just garbage bytes '.repeat(50)), { mode: 0o600 });
    const warnings: string[] = [];
    const store = open(warnings);
    expect(await dataOf(store)).toEqual([0, 1].flatMap(batch));
    expect(store.stats().corruptRecords).toBe(1);
    expect(warnings).toHaveLength(1);
  });

  it('survives a damaged index file by scanning the segment instead', async () => {
    const path = await writeBatches(3);
    writeFileSync(path.replace(/\.seg$/, '.idx'), Buffer.from('{"v":1,"size":'), { mode: 0o600 });
    const store = open();
    expect(await dataOf(store)).toEqual([0, 1, 2].flatMap(batch));
    expect(store.runs('web')).toHaveLength(1);
  });
});
