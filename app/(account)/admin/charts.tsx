import type { ReactNode } from "react";

export type Point = { label: string; value: number };

/** A small inline-SVG bar chart: no chart library, readable without JS, labelled for screen readers. */
export function BarChart({
  title,
  points,
  unit,
}: {
  title: string;
  points: Point[];
  unit: string;
}): ReactNode {
  const width = 480;
  const height = 96;
  const max = Math.max(1, ...points.map((p) => p.value));
  const barWidth = width / Math.max(1, points.length);
  const total = points.reduce((sum, p) => sum + p.value, 0);
  return (
    <figure className="chart">
      <figcaption>
        {title}: {total} {unit}
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        height={height}
        role="img"
        aria-label={`${title}, ${total} ${unit} in total, at most ${max === 1 && total === 0 ? 0 : max} per bar`}
        preserveAspectRatio="none"
      >
        <line
          x1="0"
          y1={height - 0.5}
          x2={width}
          y2={height - 0.5}
          stroke="currentColor"
          strokeOpacity="0.3"
        />
        {points.map((p, i) => {
          const h = (p.value / max) * (height - 4);
          return (
            <rect
              key={p.label}
              x={i * barWidth + barWidth * 0.1}
              y={height - h}
              width={barWidth * 0.8}
              height={h}
              fill="currentColor"
            >
              <title>{`${p.label}: ${p.value}`}</title>
            </rect>
          );
        })}
      </svg>
    </figure>
  );
}
