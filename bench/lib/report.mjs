/** The results as a markdown table and as JSON (bench/results/latest.{md,json}). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from './processes.mjs';

/** Contenders in the order columns show them, with their headers; others follow by their key. */
const LABELS = {
  hub: 'Switchyard',
  plain: 'Switchyard, plain client',
  nostore: 'Switchyard --no-store (diagnostic)',
  seed: 'seed (go-ws)',
  raw: 'raw ws',
  socketio: 'Socket.IO 4',
  concurrently: 'concurrently 9',
  pm2: 'pm2 7',
  pipe: 'raw pipe (/dev/null)',
  // The set-ups of the several-machines scenario (scenarios/nodes.mjs).
  memory1: 'one node, in memory',
  redis1: 'one node, Redis',
  redis3: 'three nodes, Redis',
};
const label = (c) => LABELS[c] ?? c;

/** The goals of issue #20, in its words (the summary table's first column). */
export const ISSUE_GOALS = {
  1: 'Ingest with storage on',
  2: 'Plain clients',
  3: 'Latency at 10,000/s to 10 subscribers',
  4: 'Connections',
  5: 'The log view at scale',
  6: 'Stored search',
  7: 'Several nodes',
};

function fmt(value, digits, unit, format) {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'string') return value;
  if (format === 'yesno') return value >= 0.5 ? 'yes' : 'no';
  const text = Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : value.toFixed(digits);
  return unit ? `${text} ${unit}` : text;
}

const verdict = (met) => (met === true ? '✅ met' : met === false ? '❌ missed' : '–');

/** "× seed 1.50×" or "− raw ws +0.8 KB" for each of a row's pairs. */
function pairText(r, p) {
  if (p.value === null || p.value === undefined) return null;
  if (p.op === 'diff') return `${label(p.of)} − ${label(p.to)}: ${p.value >= 0 ? '+' : ''}${fmt(p.value, Math.max(r.digits, 1), r.unit)}`;
  return `${label(p.of)} ÷ ${label(p.to)}: ${p.value.toFixed(2)}×`;
}
const pairsCell = (r) => (r.pairs ?? []).map((p) => pairText(r, p)).filter(Boolean).join('; ') || '–';
const cell = (r, c) => (r.skipped?.[c] && (r.median[c] === undefined || r.median[c] === null) ? 'skipped' : fmt(r.median[c], r.digits, r.unit, r.format));

/** The contenders a scenario's rows measured, in column order. */
function columnsOf(rows) {
  const seen = [];
  for (const r of rows) for (const c of [...Object.keys(r.runs ?? {}), ...Object.keys(r.skipped ?? {})]) if (!seen.includes(c)) seen.push(c);
  const known = Object.keys(LABELS).filter((c) => seen.includes(c));
  return [...known, ...seen.filter((c) => !known.includes(c))];
}

/** Every goal of issue #20, one line each (a figure with two goals gives two lines). */
function issueTable(rows, meta) {
  const out = ['## Goals of issue #20', ''];
  out.push('| # | goal | case · figure | Switchyard | peers in the same run | paired | target | verdict |');
  out.push('| --- | --- | --- | ---: | --- | --- | --- | --- |');
  const lines = [];
  for (const r of rows) {
    for (const g of r.goals ?? []) {
      if (!g.issue) continue;
      const who = g.who ?? 'hub';
      const peers = [...new Set((r.pairs ?? []).filter((p) => p.of === who).map((p) => p.to))];
      const peerText = peers.map((c) => `${label(c)} ${cell(r, c)}`).join('; ') || '–';
      const pairs = pairsCell({ ...r, pairs: (r.pairs ?? []).filter((p) => p.of === who) });
      const measured = r.median?.[who] !== null && r.median?.[who] !== undefined;
      const met = g.met === null && !measured ? (r.skipped?.[who] ? 'skipped' : 'not measured') : verdict(g.met);
      lines.push({ issue: Number(g.issue), met, text: `| ${g.issue} | ${ISSUE_GOALS[g.issue] ?? ''} | ${r.case} · ${r.figure} | ${who === 'hub' ? '' : `${label(who)}: `}${cell(r, who)} | ${peerText} | ${pairs} | ${g.text} | ${met} |` });
    }
  }
  for (const extra of meta.issueRows ?? []) lines.push({ issue: Number(extra.issue), met: extra.verdict ?? '–', text: `| ${extra.issue} | ${ISSUE_GOALS[extra.issue] ?? ''} | ${extra.what} | ${extra.value ?? '–'} | ${extra.peers ?? '–'} | ${extra.paired ?? '–'} | ${extra.target ?? '–'} | ${extra.verdict ?? '–'} |` });
  lines.sort((a, b) => a.issue - b.issue);
  out.push(...lines.map((l) => l.text));
  const metCount = lines.filter((l) => l.met === verdict(true)).length;
  const missed = lines.filter((l) => l.met === verdict(false)).length;
  out.push('', `${metCount} met, ${missed} missed, ${lines.length - metCount - missed} not judged (skipped, not measured, or no threshold).`, '');
  return out;
}

/** Render every scenario's figures as one markdown document. */
export function renderMarkdown({ rows, meta }) {
  const out = [];
  out.push(`# Switchyard benchmark (${meta.mode})`, '');
  out.push(`${meta.date} · ${meta.machine} · ${meta.runs} · medians of the runs; a paired figure is the median of the per-run comparisons (both measured in the same round).`, '');
  if (meta.load) out.push(`Machine load (1, 5, 15 min) at the start: ${meta.load.start}; at the end: ${meta.load.end}.`, '');
  out.push(...issueTable(rows, meta));
  const scenarios = [...new Set(rows.map((r) => r.scenario))];
  for (const scenario of scenarios) {
    const mine = rows.filter((x) => x.scenario === scenario);
    const columns = columnsOf(mine);
    const took = meta.scenarioSeconds?.[scenario];
    out.push('', `## ${scenario}`, '');
    if (took !== undefined) out.push(`(${took.toFixed(0)} s)`, '');
    out.push(`| case | figure | ${columns.map(label).join(' | ')} | paired | goal | met |`);
    out.push(`| --- | --- | ${columns.map(() => '---:').join(' | ')} | --- | --- | --- |`);
    for (const r of mine) {
      const goalList = r.goals ?? (r.goal ? [{ text: r.goal, met: r.met }] : []);
      const goalCell = goalList.map((g) => `${g.text}${g.issue ? ` (#20.${g.issue})` : ''}`).join('; ');
      const metCell = goalList.map((g) => verdict(g.met)).join('; ') || '–';
      out.push(`| ${r.case} | ${r.figure} | ${columns.map((c) => cell(r, c)).join(' | ')} | ${pairsCell(r)} | ${goalCell} | ${metCell} |`);
    }
  }
  const skips = new Map();
  for (const r of rows) for (const [c, reason] of Object.entries(r.skipped ?? {})) skips.set(`${label(c)}, ${r.case}, ${r.figure}: ${reason}`, true);
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
  const base = report.meta.mode === 'quick' ? 'quick' : report.meta.partial ? 'partial' : 'latest';
  const md = renderMarkdown(report);
  writeFileSync(resolve(dir, `${base}.json`), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(resolve(dir, `${base}.md`), md);
  return { md, files: [`bench/results/${base}.json`, `bench/results/${base}.md`] };
}
