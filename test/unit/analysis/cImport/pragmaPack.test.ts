import { strict as assert } from 'node:assert';
import { packAction, PackTimeline, type PackPragma } from '../../../../src/analysis/cImport/pragmaPack';

/** Pragmas at tokens 10, 20, 30 …, in the order given. */
const timeline = (...texts: string[]) =>
  new PackTimeline(texts.map((text, k): PackPragma => ({ text, line: k + 1, at: (k + 1) * 10 })));
const packAt = (t: PackTimeline, at: number) => {
  const state = t.stateAt(at);
  return 'pack' in state ? state.pack : `refused ${state.refused.text}`;
};

describe('#pragma pack, as gcc keeps it', () => {
  it('reads the forms gcc takes, and no other', () => {
    assert.deepEqual(packAction('pack(2)'), { kind: 'set', pack: 2 });
    assert.deepEqual(packAction('pack ( 16 )'), { kind: 'set', pack: 16 });
    assert.deepEqual(packAction('pack()'), { kind: 'set', pack: 0 });
    assert.deepEqual(packAction('pack(push)'), { kind: 'push' });
    assert.deepEqual(packAction('pack(push, 1)'), { kind: 'push', pack: 1 });
    assert.deepEqual(packAction('pack(push, saved, 4)'), { kind: 'push', ident: 'saved', pack: 4 });
    assert.deepEqual(packAction('pack(pop)'), { kind: 'pop' });
    assert.deepEqual(packAction('pack(pop, saved)'), { kind: 'pop', ident: 'saved' });
    assert.deepEqual(packAction('pack(show)'), { kind: 'show' });
    for (const wrong of [
      'pack(3)',
      'pack(32)',
      'pack(0)',
      'pack(-1)',
      'pack(2 4)',
      'pack(push, 3)',
      'pack(push, a, b, 2)',
      'pack',
      'pack(1',
      'pack(x)',
      'pack(0x2)',
    ]) {
      assert.equal(packAction(wrong), undefined, wrong);
    }
  });

  it('push saves the pack in effect and pop restores it, a named pop to its push, through any depth', () => {
    const t = timeline('pack(push, 2)', 'pack(push, 1)', 'pack(pop)', 'pack(4)', 'pack(pop)', 'pack()');
    assert.deepEqual(
      [5, 15, 25, 35, 45, 55, 65].map((at) => packAt(t, at)),
      [0, 2, 1, 2, 4, 0, 0],
    );
    const named = timeline('pack(push, outer, 4)', 'pack(push, 1)', 'pack(push, 2)', 'pack(pop, outer)');
    assert.deepEqual(
      [15, 25, 35, 45].map((at) => packAt(named, at)),
      [4, 1, 2, 0],
    );
  });

  it('a pop with nothing pushed goes back to no pack; an unknown pop name empties the stack', () => {
    assert.equal(packAt(timeline('pack(1)', 'pack(pop)'), 25), 0);
    assert.equal(packAt(timeline('pack(push, 2)', 'pack(1)', 'pack(pop, nobody)'), 35), 0);
  });

  it('a form it cannot read is in effect until the next one it can: the records under it are refused', () => {
    const t = timeline('pack(push, 2)', 'pack(3)', 'pack(pop)');
    assert.equal(packAt(t, 15), 2);
    assert.equal(packAt(t, 25), 'refused pack(3)');
    assert.equal(packAt(t, 35), 0);
  });

  it('asked about an earlier point again (a sizeof read twice), it answers as for the first time', () => {
    const t = timeline('pack(push, 2)', 'pack(pop)');
    assert.equal(packAt(t, 25), 0);
    assert.equal(packAt(t, 15), 2);
    assert.equal(packAt(t, 5), 0);
    assert.equal(packAt(t, 15), 2);
  });
});
