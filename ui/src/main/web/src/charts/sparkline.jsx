// A campaign's best score after each keep, as a small inline SVG line (the list shows dozens at once).
export function Sparkline({ values, width = 120, height = 28, label }) {
  if (!values || values.length === 0) return <span class="muted">no keeps yet</span>;
  const min = Math.min(...values), max = Math.max(...values);
  const sx = (i) => (values.length === 1 ? width / 2 : (i / (values.length - 1)) * (width - 4) + 2);
  const sy = (v) => (max === min ? height / 2 : height - 3 - ((v - min) / (max - min)) * (height - 6));
  let d = '';
  values.forEach((v, i) => { d += (i === 0 ? `M${sx(i)},${sy(v)}` : `H${sx(i)}V${sy(v)}`); });
  return (
    <svg class="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <path d={d} fill="none" stroke="#1a56c4" stroke-width="1.5" />
      <circle cx={sx(values.length - 1)} cy={sy(values[values.length - 1])} r="2.5" fill="#137333" />
    </svg>
  );
}
