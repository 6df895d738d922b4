/**
 * The leak check against a slow, obviously correct reference on random heaps: random blocks
 * (1 to 3 units), random start and interior pointers in every unit, random roots.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { checkLeaks } from '../../../src/analysis/leakCheck';
import { LEAK_KINDS, type LeakKind } from '../../../src/analysis/leakKinds';
import { ptr, RunDataBuilder, u32 } from '../../support/runDataBuilder';

interface Heap {
  units: number[];
  /** [from block, from unit, field (0 next, 1 prev), to block, to unit offset in bytes] */
  pointers: [number, number, number, number, number][];
  roots: [number, number][];
  freed: number[];
}

const heapArbitrary = fc.integer({ min: 1, max: 24 }).chain((n) =>
  fc.record({
    units: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: n, maxLength: n }),
    pointers: fc.array(
      fc.tuple(fc.nat(n - 1), fc.nat(2), fc.nat(1), fc.nat(n - 1), fc.oneof(fc.constant(0), fc.constant(0), fc.nat(71))),
      { maxLength: 3 * n },
    ),
    roots: fc.array(fc.tuple(fc.nat(n - 1), fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0), fc.nat(71))), {
      maxLength: 3,
    }),
    freed: fc.array(fc.nat(n - 1), { maxLength: 3 }),
  }),
);

/** Kinds and drags by the definitions, with quadratic reachability. */
function reference(
  live: number[],
  edges: Map<number, { to: number; interior: boolean }[]>,
  roots: { to: number; interior: boolean }[],
) {
  const kinds = new Map<number, LeakKind>();
  const bfs = (starts: number[], startOnly: boolean, within: (v: number) => boolean) => {
    const seen = new Set(starts);
    const queue = [...starts];
    while (queue.length > 0) {
      const u = queue.shift()!;
      for (const e of edges.get(u) ?? []) {
        if ((startOnly && e.interior) || seen.has(e.to) || !within(e.to)) continue;
        seen.add(e.to);
        queue.push(e.to);
      }
    }
    return seen;
  };
  const all = () => true;
  const still = bfs(
    roots.filter((r) => !r.interior).map((r) => r.to),
    true,
    all,
  );
  const reachable = bfs(
    roots.map((r) => r.to),
    false,
    all,
  );
  const unreachable = live.filter((b) => !reachable.has(b));
  const inU = (v: number) => !reachable.has(v);
  const reach = new Map(unreachable.map((u) => [u, bfs([u], false, inU)]));
  const scc = (u: number) => unreachable.filter((v) => reach.get(u)!.has(v) && reach.get(v)!.has(u));
  const definite = new Set<number>();
  for (const u of unreachable) {
    const component = new Set(scc(u));
    const pointedInto = unreachable.some((w) => !component.has(w) && (edges.get(w) ?? []).some((e) => component.has(e.to)));
    if (!pointedInto && Math.min(...component) === u) definite.add(u);
  }
  const drags = new Map<number, number>();
  for (const b of live) {
    if (still.has(b)) kinds.set(b, 'still-reachable');
    else if (reachable.has(b)) kinds.set(b, 'possibly-lost');
    else if (definite.has(b)) kinds.set(b, 'definitely-lost');
    else {
      kinds.set(b, 'indirectly-lost');
      const d = Math.min(...[...definite].filter((x) => reach.get(x)!.has(b)));
      drags.set(d, (drags.get(d) ?? 0) + 1);
    }
  }
  return { kinds, drags };
}

describe('checkLeaks against the definitions (property)', () => {
  it('agrees on every block kind and on drags', function () {
    this.timeout(60_000);
    fc.assert(
      fc.property(heapArbitrary, (heap: Heap) => {
        const b = new RunDataBuilder();
        b.struct('node_t', [u32('value'), ptr('next', 'node_t'), ptr('prev', 'node_t')]);
        // Every block at its own site line, so each loss record is one block.
        const addresses = heap.units.map((units, i) => b.alloc('node_t', units, 100 + i));
        const freed = new Set(heap.freed);
        const edges = new Map<number, { to: number; interior: boolean }[]>();
        for (const [from, unit, field, to, offset] of heap.pointers) {
          const u = Math.min(unit, heap.units[from]! - 1);
          const bytes = heap.units[to]! * 24;
          const off = offset % bytes;
          b.link(addresses[from]!, u * 24 + 8 + 8 * field, addresses[to]! + off);
        }
        // Recompute the edges from what the page bytes hold (later links overwrite earlier ones).
        for (let from = 0; from < addresses.length; from++) {
          if (freed.has(from)) continue;
          for (let u = 0; u < heap.units[from]!; u++) {
            for (const field of [8, 16]) {
              const at = addresses[from]! + u * 24 + field;
              const view = b.heap.kernel.view(at);
              const p =
                view.getUint32(at - b.heap.kernel.pageOf(at), true) +
                view.getUint32(at - b.heap.kernel.pageOf(at) + 4, true) * 2 ** 32;
              const to = addresses.findIndex((a, i) => !freed.has(i) && p >= a && p < a + heap.units[i]! * 24);
              if (to >= 0) (edges.get(from) ?? edges.set(from, []).get(from)!).push({ to, interior: p !== addresses[to] });
            }
          }
        }
        const roots: { to: number; interior: boolean }[] = [];
        for (const [block, offset] of heap.roots) {
          const off = offset % (heap.units[block]! * 24);
          b.root(addresses[block]! + off);
          if (!freed.has(block)) roots.push({ to: block, interior: off !== 0 });
        }
        for (const i of freed) b.free(addresses[i]!);
        const live = addresses.map((_, i) => i).filter((i) => !freed.has(i));
        const expected = reference(live, edges, roots);
        const result = checkLeaks(b.data());
        const actual = new Map<number, LeakKind>();
        for (let k = 0; k < result.liveIds.length; k++) actual.set(result.liveIds[k]!, LEAK_KINDS[result.kinds[k]!]!);
        assert.deepEqual(actual, expected.kinds);
        const drags = new Map<number, number>();
        for (const r of result.records) if (r.drags.blocks > 0) drags.set(r.site!.line - 100, r.drags.blocks);
        assert.deepEqual(drags, expected.drags);
      }),
      { numRuns: 300 },
    );
  });
});
