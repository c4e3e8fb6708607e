/** A tiny inline SVG line chart of recent values. */

/** Props of {@link Sparkline}. */
export interface SparklineProps {
  values: readonly number[];
  width?: number;
  height?: number;
  /** Accessible description, e.g. "messages per second of process:web". */
  label: string;
}

/** Inline SVG polyline scaled to the largest value (at least 1). */
export function Sparkline({ values, width = 90, height = 18, label }: SparklineProps) {
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 1 - (v / max) * (height - 2)).toFixed(1)}`).join(' ');
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      {values.length > 1 && <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />}
    </svg>
  );
}
