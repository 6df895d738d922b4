// README, "Words used in the views": each leak kind's definition, tried on the heap that would break
// it. "*definitely lost* (nothing points at it)" was not so for lost blocks that point at each
// other: the head of a lost cycle or of a lost doubly linked list is definitely lost though a lost
// block points at it (memcheck counts such a group under one block too); the sentence now says so.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkLeaks, type LeakCheckResult } from '../../../src/analysis/leakCheck';
import { LEAK_KINDS, type LeakKind } from '../../../src/analysis/leakKinds';
import { ptr, RunDataBuilder, u32 } from '../../support/runDataBuilder';

/** node_t { u32 value; node_t *next; node_t *prev; }: 24 bytes, next at 8, prev at 16. */
const NEXT = 8;
const PREV = 16;

const prose = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8').replace(/\s+/g, ' ');
/** The README's parenthesis after *kind*. */
function definition(kind: string): string {
  const match = new RegExp(`\\*${kind}\\* \\(((?:[^()]|\\([^()]*\\))*)\\)`).exec(prose);
  assert.ok(match, `README defines ${kind}`);
  return match[1]!;
}

function nodes(): RunDataBuilder {
  const b = new RunDataBuilder();
  b.struct('node_t', [u32('value'), ptr('next', 'node_t'), ptr('prev', 'node_t')]);
  return b;
}

function kinds(result: LeakCheckResult, ids: number[]): LeakKind[] {
  const byId = new Map<number, LeakKind>();
  for (let k = 0; k < result.liveIds.length; k++) byId.set(result.liveIds[k]!, LEAK_KINDS[result.kinds[k]!]!);
  return ids.map((id) => byId.get(id)!);
}

describe('README: the leak kinds as it defines them', () => {
  it('definitely lost: nothing points at it', () => {
    assert.match(definition('definitely lost'), /^nothing points at it/);
    const b = nodes();
    b.alloc('node_t');
    assert.deepEqual(kinds(checkLeaks(b.data()), [0]), ['definitely-lost']);
  });

  it('definitely lost: of lost blocks pointing at each other (a cycle, a doubly linked list), the earliest allocated, which drags the rest', () => {
    assert.match(
      definition('definitely lost'),
      /pointing at each other \(a cycle, a doubly linked list\), the earliest allocated/,
    );
    // A cycle allocated x, y, z and linked y → z → x → y: x is pointed at by z, a lost block, yet heads it.
    const cycle = nodes();
    const [x, y, z] = [cycle.alloc('node_t'), cycle.alloc('node_t'), cycle.alloc('node_t')];
    cycle.link(y, NEXT, z);
    cycle.link(z, NEXT, x);
    cycle.link(x, NEXT, y);
    const inCycle = checkLeaks(cycle.data());
    assert.deepEqual(kinds(inCycle, [0, 1, 2]), ['definitely-lost', 'indirectly-lost', 'indirectly-lost']);
    assert.deepEqual(inCycle.records.find((r) => r.kind === 'definitely-lost')!.drags, { blocks: 2, bytes: 48 });
    // A doubly linked list: its head is pointed at by the second node's prev.
    const list = nodes();
    const chain = [0, 1, 2, 3].map(() => list.alloc('node_t'));
    for (let i = 0; i + 1 < chain.length; i++) {
      list.link(chain[i]!, NEXT, chain[i + 1]!);
      list.link(chain[i + 1]!, PREV, chain[i]!);
    }
    assert.deepEqual(kinds(checkLeaks(list.data()), [0, 1, 2, 3]), [
      'definitely-lost',
      ...Array<LeakKind>(3).fill('indirectly-lost'),
    ]);
  });

  it('indirectly lost: only lost blocks point at it (a definitely lost one, or one lost through it)', () => {
    assert.equal(definition('indirectly lost'), 'only lost blocks point at it');
    const b = nodes();
    const [head, second, third] = [b.alloc('node_t'), b.alloc('node_t'), b.alloc('node_t')];
    b.link(head, NEXT, second);
    b.link(second, NEXT, third);
    assert.deepEqual(kinds(checkLeaks(b.data()), [0, 1, 2]), ['definitely-lost', 'indirectly-lost', 'indirectly-lost']);
  });

  it('possibly lost: only a pointer into its middle; still reachable: a root points at it at the end', () => {
    assert.equal(definition('possibly lost'), 'only a pointer into its middle');
    assert.match(definition('still reachable'), /^a root still points at it at the end/);
    const b = nodes();
    const [rooted, middle] = [b.alloc('node_t'), b.alloc('node_t')];
    b.root(rooted, 'head');
    b.root(middle + 8, 'inside');
    assert.deepEqual(kinds(checkLeaks(b.data()), [0, 1]), ['still-reachable', 'possibly-lost']);
  });
});
