import assert from 'node:assert/strict';
import { ShownRowsStep } from '../../../src/extension/model/shownRowsStep';

describe('ShownRowsStep (a tree header names the step of the rows shown, never a newer one)', () => {
  it('moves with the run while the rows read the same (a steady loop)', () => {
    const rows = new ShownRowsStep();
    rows.refreshed(1, 100, 'a', true);
    rows.refreshed(1, 5_000, 'a', false);
    rows.refreshed(1, 9_000, 'a', false);
    assert.equal(rows.step, 9_000);
  });

  it('stays at the drawn rows’ step while changed rows wait for their redraw, then moves with it', () => {
    const rows = new ShownRowsStep();
    rows.refreshed(1, 100, 'a', true);
    rows.refreshed(1, 200, 'b', false); // changed, redraw deferred: the screen still shows 'a' of step 100
    assert.equal(rows.step, 100);
    rows.refreshed(1, 300, 'a', false); // reads as the rows shown again: they are the rows of step 300
    assert.equal(rows.step, 300);
    rows.refreshed(1, 400, 'c', false);
    assert.equal(rows.step, 300);
    rows.refreshed(1, 500, 'c', true);
    assert.equal(rows.step, 500);
  });

  it('never matches rows of another run, nor rows too many to digest', () => {
    const rows = new ShownRowsStep();
    assert.equal(rows.step, undefined, 'nothing drawn yet');
    rows.refreshed(1, 100, 'a', true);
    rows.refreshed(2, 50, 'a', false);
    assert.equal(rows.step, 100, 'the same digest of another run is not its rows');
    rows.refreshed(2, 60, undefined, true);
    rows.refreshed(2, 70, undefined, false);
    assert.equal(rows.step, 60);
  });

  it('says how long the header has stood still: since the step last moved, not since the last refresh', () => {
    let now = 0;
    const rows = new ShownRowsStep(() => now);
    rows.refreshed(1, 100, 'a', true);
    now = 250;
    rows.refreshed(1, 200, 'a', false); // the same rows at a newer step: the header moves
    assert.equal(rows.unchangedForMs, 0);
    now = 500;
    rows.refreshed(1, 300, 'b', false); // changed rows wait: the header stands at 200
    now = 900;
    rows.refreshed(1, 400, 'c', false);
    assert.equal(rows.step, 200);
    assert.equal(rows.unchangedForMs, 650);
    rows.refreshed(1, 400, 'c', true);
    assert.equal(rows.unchangedForMs, 0);
    now = 1_000;
    rows.refreshed(1, 400, 'c', false); // refreshed at the same step: nothing moved
    assert.equal(rows.unchangedForMs, 100);
  });
});
