/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use DOM types.)
/**
 * The header's legend in headless Chromium: past twelve structs it says how many more there are
 * and names them in its tooltip, rather than dropping them in silence; a new run's structs replace
 * the last run's even when there are as many.
 */
import { strict as assert } from 'node:assert';
import { openFakeHost, type FakeHost } from '../support/webviewFakeHost';
import { RunRecorder, assertNoProblems, showRun } from '../support/webviewRun';

/** A run registering `names`, one block of each. */
function structs(names: string[]): RunRecorder {
  const run = new RunRecorder();
  for (const name of names) run.alloc(run.register(name, 16), 1, 1);
  return run;
}

const legend = (host: FakeHost) =>
  host.page.evaluate(() =>
    Array.from(document.querySelectorAll('.legend .legend-item')).map((item) => ({
      text: item.textContent ?? '',
      title: (item as HTMLElement).title,
    })),
  );

describe('Header legend (headless Chromium)', function () {
  this.timeout(60000);
  let host: FakeHost;
  before(async () => {
    host = await openFakeHost();
  });
  after(async () => {
    await host?.close();
  });

  it('names twelve structs and counts the rest, whose names are in its tooltip', async () => {
    const names = Array.from({ length: 15 }, (_, i) => `s${i}_t`);
    await showRun(host, structs(names).batches());
    const items = await legend(host);
    for (const name of names.slice(0, 12))
      assert.ok(
        items.some((i) => i.text === name),
        `${name} is named`,
      );
    assert.ok(!items.some((i) => i.text === 's12_t'), 'the thirteenth is not named in the row');
    const more = items.find((i) => i.text === '+3 more');
    assert.ok(more, `the rest are counted: ${items.map((i) => i.text).join(' | ')}`);
    assert.equal(more.title, 's12_t, s13_t, s14_t');
    assertNoProblems(host);
  });

  it('a new run with as many structs shows its own names', async () => {
    await showRun(host, structs(['a_t', 'b_t']).batches(), { runId: 'run-2' });
    await showRun(host, structs(['c_t', 'd_t']).batches(), { runId: 'run-3' });
    const texts = (await legend(host)).map((i) => i.text);
    assert.ok(texts.includes('c_t') && texts.includes('d_t'), texts.join(' | '));
    assert.ok(!texts.includes('a_t'), texts.join(' | '));
  });
});
