/**
 * A time-series chart on uPlot: axes, a legend with the values under the cursor, the clock in
 * 24-hour HH:MM:SS. Colours are CSS custom properties read from the page, so a chart follows the
 * theme (it is redrawn when `<html data-theme>` changes). Where no canvas exists (a test DOM),
 * it shows the latest values as text instead.
 */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatClock } from '../state/clock';

/** One line of a chart. */
export interface ChartLine {
  label: string;
  /** A CSS custom property holding its colour, e.g. `--pc-3`. */
  colourVar: string;
  values: (number | null)[];
}

/** Props of {@link TimeChart}. */
export interface TimeChartProps {
  title: string;
  /** Seconds since the epoch. */
  t: number[];
  lines: ChartLine[];
  /** How a value reads on the axis and in the legend. */
  format(value: number): string;
  height?: number;
  testId?: string;
}

/** The theme the page shows now; changes when the theme switch or the OS changes it. */
function usePageTheme(): string {
  const [theme, setTheme] = useState(() => document.documentElement.dataset.theme ?? '');
  useEffect(() => {
    const observer = new MutationObserver(() => setTheme(document.documentElement.dataset.theme ?? ''));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
  return theme;
}

let canvasWorks: boolean | undefined;
/** Whether this page can draw on a canvas (a test DOM cannot; uPlot would fail later, in a frame callback). */
function canDraw(): boolean {
  try {
    canvasWorks ??= document.createElement('canvas').getContext('2d') !== null;
  } catch {
    canvasWorks = false;
  }
  return canvasWorks;
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** See the file comment. */
export function TimeChart({ title, t, lines, format, height = 150, testId }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [failed, setFailed] = useState(false);
  const theme = usePageTheme();
  const shape = lines.map((l) => `${l.label}|${l.colourVar}`).join(',');
  const data = [t, ...lines.map((l) => l.values)] as uPlot.AlignedData;
  const latest = useRef(data);
  latest.current = data;

  // (Re)build when the set of lines or the theme changes; data alone only calls setData below.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    if (!canDraw()) {
      setFailed(true);
      return;
    }
    const fg = cssVar('--fg-muted', '#59636e');
    const grid = cssVar('--border', '#d1d9e0');
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    let chart: uPlot;
    try {
      chart = new uPlot(
        {
          width: Math.max(200, el.clientWidth),
          height,
          series: [
            { value: (_u, v) => (v == null ? '–' : formatClock(v * 1000)) },
            ...lines.map((l) => ({ label: l.label, stroke: cssVar(l.colourVar, fg), width: 1.5, points: { show: false }, value: (_u: uPlot, v: number | null) => (v == null ? '–' : format(v)) })),
          ],
          axes: [
            { ...axis, space: 90, values: (_u, ticks) => ticks.map((v) => formatClock(v * 1000)) },
            { ...axis, size: 64, values: (_u, ticks) => ticks.map((v) => format(v)) },
          ],
          scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
          legend: { live: true },
        },
        latest.current,
        el,
      );
    } catch {
      setFailed(true);
      return;
    }
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [shape, theme, height]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  return (
    <figure className="time-chart" data-testid={testId} aria-label={title}>
      <figcaption>{title}</figcaption>
      <div ref={box} className="time-chart-plot" />
      {failed && (
        <ul className="time-chart-fallback">
          {lines.map((l) => {
            const v = [...l.values].reverse().find((x) => x !== null);
            return (
              <li key={l.label}>
                {l.label}: {v == null ? '–' : format(v)}
              </li>
            );
          })}
        </ul>
      )}
    </figure>
  );
}
