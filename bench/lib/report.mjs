/** The results as a markdown table and as JSON (bench/results/latest.{md,json}). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from './processes.mjs';

// The last three are the set-ups of the several-machines scenario (scenarios/nodes.mjs).
const COLUMNS = ['hub', 'seed', 'raw', 'socketio', 'memory1', 'redis1', 'redis3'];
const HEADERS = ['Switchyard', 'seed (go-ws)', 'raw ws', 'Socket.IO 4', 'one node, in memory', 'one node, Redis', 'three nodes, Redis'];

function fmt(value, digits, unit) {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'string') return value;
  const text = Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : value.toFixed(digits);
  return unit ? `${text} ${unit}` : text;
}

const verdict = (met) => (met === true ? '✅ yes' : met === false ? '❌ no' : '–');

/** Render every scenario's figures as one markdown document. */
export function renderMarkdown({ rows, meta }) {
  const out = [];
  out.push(`# Switchyard benchmark (${meta.mode})`, '');
  out.push(`${meta.date} · ${meta.machine} · ${meta.runs} · medians of the runs; "× seed" is the median of the ratios paired run by run.`, '');
  let scenario = '';
  let columns = COLUMNS;
  for (const r of rows) {
    if (r.scenario !== scenario) {
      scenario = r.scenario;
      // Only the contenders a scenario measures (ingest and the dashboard are Switchyard's alone).
      const mine = rows.filter((x) => x.scenario === scenario);
      columns = COLUMNS.filter((c) => mine.some((x) => x.runs[c] !== undefined || x.skipped?.[c]));
      const headers = columns.map((c) => HEADERS[COLUMNS.indexOf(c)]);
      out.push('', `## ${scenario}`, '');
      out.push(`| case | figure | ${headers.join(' | ')} | Switchyard × seed | goal | met |`);
      out.push(`| --- | --- | ${headers.map(() => '---:').join(' | ')} | ---: | --- | --- |`);
    }
    const cells = columns.map((c) => (r.skipped?.[c] && r.median[c] === undefined ? 'skipped' : fmt(r.median[c], r.digits, r.unit)));
    const ratio = r.ratioToSeed === null || r.ratioToSeed === undefined ? '–' : `${r.ratioToSeed.toFixed(2)}×`;
    out.push(`| ${r.case} | ${r.figure} | ${cells.join(' | ')} | ${ratio} | ${r.goal ?? ''} | ${verdict(r.met)} |`);
  }
  const skips = new Map();
  for (const r of rows) for (const [c, reason] of Object.entries(r.skipped ?? {})) skips.set(`${c}: ${reason}`, true);
  const notes = rows.filter((r) => r.note).map((r) => `- ${r.scenario}, ${r.case}, ${r.figure}: ${r.note}`);
  if (skips.size || notes.length || meta.notes?.length) {
    out.push('', '## Notes', '');
    for (const s of skips.keys()) out.push(`- skipped ${s}`);
    out.push(...notes, ...(meta.notes ?? []).map((n) => `- ${n}`));
  }
  out.push('', `Produced by \`${meta.command}\` in ${meta.seconds.toFixed(0)} s.`, '');
  return out.join('\n');
}

/** Write latest.json and latest.md (and a quick run to quick.*, so it never replaces the full report). */
export function writeResults(report) {
  const dir = resolve(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const base = report.meta.mode === 'quick' ? 'quick' : 'latest';
  const md = renderMarkdown(report);
  writeFileSync(resolve(dir, `${base}.json`), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(resolve(dir, `${base}.md`), md);
  return { md, files: [`bench/results/${base}.json`, `bench/results/${base}.md`] };
}
