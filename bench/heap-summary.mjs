#!/usr/bin/env node
/**
 * What N more of something keep alive: two V8 heap snapshots (before and after), their live
 * objects grouped by kind (an object's constructor, or "(string)", "(closure) name", ...), and
 * the difference per item. The connections scenario writes them under `--profile DIR` for the
 * Node contenders: DIR/connections-<contender>-run<N>-before.heapsnapshot and -after.
 * usage: node bench/heap-summary.mjs BEFORE.heapsnapshot AFTER.heapsnapshot [--per N] [--top 25]
 */
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const per = opt('--per', 1);
const top = opt('--top', 25);
const [beforeFile, afterFile] = args.filter((a, i) => !a.startsWith('--') && !['--per', '--top'].includes(args[i - 1]));

/** Kind → { count, bytes } of one snapshot. */
function kinds(file) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const out = new Map();
  const { nodes, strings } = snap;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + iType]];
    const name = strings[nodes[i + iName]];
    const kind = type === 'object' || type === 'native' ? name : type === 'closure' ? `(closure) ${name}` : `(${type})`;
    const k = out.get(kind) ?? { count: 0, bytes: 0 };
    k.count++;
    k.bytes += nodes[i + iSize];
    out.set(kind, k);
  }
  return out;
}

const a = kinds(beforeFile);
const b = kinds(afterFile);
const rows = [];
let total = 0;
for (const [kind, after] of b) {
  const before = a.get(kind) ?? { count: 0, bytes: 0 };
  const bytes = after.bytes - before.bytes;
  total += bytes;
  rows.push({ kind, count: after.count - before.count, bytes });
}
rows.sort((x, y) => y.bytes - x.bytes);
console.log(`${afterFile} − ${beforeFile}: ${(total / per).toFixed(0)} B per item (÷ ${per})`);
for (const r of rows.slice(0, top)) console.log(`${(r.bytes / per).toFixed(0).padStart(7)} B  ${(r.count / per).toFixed(2).padStart(7)} objects  ${r.kind}`);
