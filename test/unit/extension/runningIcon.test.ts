// What a running run shows in the status bar and the Leaks view is still: a spinning codicon is an
// endless CSS animation that makes the window draw a frame some 60 times a second for the whole run
// (in VS Code for the browser, on the cores the harness and the editor need). Every running shape
// is tried: no check yet, a check with leaks, a check with none, memory errors.
import { strict as assert } from 'node:assert';
import { leakNodes } from '../../../src/extension/model/leaksTree';
import { RunStore, type RunState } from '../../../src/extension/model/runState';
import { RUNNING_ICON } from '../../../src/extension/model/runningIcon';
import { statusText } from '../../../src/extension/model/statusText';
import { beginServerRun, site } from '../../support/serverRunFixture';

function icons(run: RunState): string[] {
  const found: string[] = [];
  const walk = (nodes: ReturnType<typeof leakNodes>) => {
    for (const node of nodes) {
      if (node.icon) found.push(node.icon);
      if (node.children) walk(node.children());
    }
  };
  walk(leakNodes(run));
  return found;
}

describe('a running run’s icons do not spin', () => {
  const shapes: [string, (run: RunState) => void][] = [
    ['no leak check yet', () => undefined],
    [
      'a mid-run check that found leaks',
      (run) =>
        (run.interimLeakCheck = {
          event: 4321,
          site: site(9),
          leaks: [
            {
              kind: 'definitely-lost',
              struct: 'conn_t',
              blocks: 3,
              bytes: 48,
              site: site(12),
              stack: [site(12)],
              suppressed: false,
            },
          ],
        }),
    ],
    ['a mid-run check that found none', (run) => (run.interimLeakCheck = { event: 77, site: site(9), leaks: [] })],
  ];
  for (const [shape, fill] of shapes) {
    it(`${shape}: the status bar and the Leaks view show the still running icon`, () => {
      const run = beginServerRun(new RunStore());
      fill(run);
      assert.equal(run.status, 'running');
      const { text } = statusText(run);
      assert.doesNotMatch(text, /~spin/, text);
      assert.ok(text.startsWith(`$(${RUNNING_ICON}) `), text);
      const shown = icons(run);
      assert.ok(shown.length > 0, 'the Leaks view shows a heading with an icon');
      for (const icon of shown) assert.doesNotMatch(icon, /~spin/);
      assert.ok(shown.includes(RUNNING_ICON), `the heading says the run goes on: ${shown.join(', ')}`);
    });
  }

  it('the running icon itself is a plain codicon id (no modifier)', () => {
    assert.match(RUNNING_ICON, /^[a-z][a-z-]*$/);
  });
});
