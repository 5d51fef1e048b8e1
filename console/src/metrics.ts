// Prometheus text exposition (GET /metrics) parsed into samples, and the rates the Live page
// shows computed from two scrapes.
export interface Sample { name: string; labels: Record<string, string>; value: number }

export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    if (m[3]) {
      for (const l of m[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    }
    const value = m[4] === "+Inf" ? Infinity : m[4] === "-Inf" ? -Infinity : Number(m[4]);
    samples.push({ name: m[1], labels, value });
  }
  return samples;
}

export function total(samples: Sample[], name: string, match: Record<string, string> = {}): number {
  let sum = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) sum += s.value;
  }
  return sum;
}

// The q-quantile of the observations between two scrapes of a histogram, interpolated inside
// its bucket as Prometheus' histogram_quantile does. NaN without observations.
export function quantileBetween(before: Sample[], after: Sample[], name: string, q: number): number {
  const buckets = (samples: Sample[]) => new Map(samples.filter((s) => s.name === `${name}_bucket`)
    .map((s) => [s.labels.le === "+Inf" ? Infinity : Number(s.labels.le), s.value] as [number, number]));
  const a = buckets(before);
  const b = buckets(after);
  const bounds = Array.from(b.keys()).sort((x, y) => x - y);
  const count = (b.get(Infinity) ?? 0) - (a.get(Infinity) ?? 0);
  if (count <= 0) return NaN;
  const rank = q * count;
  let previousBound = 0;
  let previousCount = 0;
  for (const bound of bounds) {
    const cumulative = (b.get(bound) ?? 0) - (a.get(bound) ?? 0);
    if (cumulative >= rank) {
      if (!Number.isFinite(bound)) return previousBound;
      const inBucket = cumulative - previousCount;
      return previousBound + (bound - previousBound) * (inBucket > 0 ? (rank - previousCount) / inBucket : 1);
    }
    previousBound = bound;
    previousCount = cumulative;
  }
  return previousBound;
}
