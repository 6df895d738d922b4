/**
 * A deterministic steady-state workload in the trace format: 4 families, a ramp up to `live`
 * blocks, then allocations and frees in equal measure around that level, `ops` lines in all.
 */

const FAMILIES: [string, number][] = [
  ['node_t', 24],
  ['student_t', 56],
  ['record_t', 120],
  ['buffer_t', 300],
];

export function steadyStateTrace(ops: number, live: number, seed = 1): string {
  let x = seed >>> 0;
  const random = (n: number): number => {
    x = (x + 0x6d2b79f5) | 0;
    let t = Math.imul(x ^ (x >>> 15), 1 | x);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
  const lines: string[] = [`# steady state: ${ops} operations, about ${live} live blocks, seed ${seed}`, 'page 4096'];
  for (const [name, size] of FAMILIES) lines.push(`reg ${name} ${size}`);
  const liveIds: number[] = [];
  let nextId = 1;
  let count = 0;
  while (count < ops) {
    const grow = liveIds.length < live ? random(100) < 90 : random(100) < 50;
    if (grow || liveIds.length === 0) {
      const [name] = FAMILIES[random(FAMILIES.length)]!;
      const units = random(10) === 0 ? 2 + random(3) : 1;
      lines.push(`alloc a${nextId} ${name} ${units}`);
      liveIds.push(nextId++);
    } else {
      const index = random(liveIds.length);
      const id = liveIds[index]!;
      liveIds[index] = liveIds[liveIds.length - 1]!;
      liveIds.pop();
      lines.push(`free a${id}`);
    }
    count++;
  }
  lines.push('dump');
  return lines.join('\n') + '\n';
}
