// The README's "In VS Code" promises what a stranger will look for in the window: the commands by
// title, the side panel's views, the editor-title and leak-row buttons, and the settings' defaults
// and bounds as the README states them. Each test reads the README's own words and the manifest
// (package.json) or the code's constants, so a renamed command, a view moved or a default changed
// on either side fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MENU_COMMANDS, PALETTE_COMMANDS } from '../../../src/extension/contributions';
import { SETTING_DEFAULTS } from '../../../src/extension/model/settingsSchema';
import { DEFAULT_MEMORY_CAP } from '../../../src/engine/simulatedKernel';
import { DEFAULT_MEMORY_LIMIT_MB, DEFAULT_TIME_LIMIT_MS } from '../../../src/harness/runHarness';
import { POLICY_NAMES } from '../../../src/policies/policyRegistry';
import { lmm } from '../../support/lmmCli';

const root = path.resolve(__dirname, '../../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
/** The README with its line breaks as spaces, for sentences that wrap. */
const prose = readme.replace(/\s+/g, ' ');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const contributes = manifest.contributes;
type Command = { command: string; title: string; category?: string; icon?: string };
const commands = contributes.commands as Command[];
type Setting = { default: unknown; minimum?: number; maximum?: number; enum?: string[] };
const settings = contributes.configuration.properties as Record<string, Setting>;

/** The first group `pattern` captures in the README, which must say it. */
function readmeSays(pattern: RegExp): string {
  const match = pattern.exec(readme);
  assert.ok(match, `README says ${pattern}`);
  return match[1]!;
}
const number = (text: string) => Number(text.replace(/,/g, ''));

describe('README, "In VS Code": what it names is in the manifest, as it says', () => {
  it('every "LMM: …" command it names is a declared command of that title, and every palette command is named', () => {
    const named = new Set([...readme.matchAll(/(?:\*\*|`)LMM: ([A-Z][A-Za-z ]*?)(?:\*\*|`)/g)].map((m) => m[1]!));
    assert.ok(named.size >= 8, [...named].join(', '));
    const titles = new Map(commands.filter((c) => c.category === 'LMM').map((c) => [c.title, c.command]));
    for (const title of named) assert.ok(titles.has(title), `README names LMM: ${title}, which no command has as its title`);
    for (const id of Object.values(PALETTE_COMMANDS)) {
      const title = commands.find((c) => c.command === id)!.title;
      assert.ok(named.has(title), `${id} ("LMM: ${title}") is in the palette but the README never names it`);
    }
    // A menu-only command is named by the word on its button.
    for (const id of Object.values(MENU_COMMANDS)) {
      const title = commands.find((c) => c.command === id)!.title;
      assert.ok(readme.includes(`**${title}**`), `the README names ${id}'s button **${title}**`);
    }
  });

  it('the LMM side panel holds the views it lists, in its order', () => {
    const bullet = readmeSays(/\n- the \*\*LMM\*\* side panel: ([^]*?)\n- /);
    const listed = [...bullet.matchAll(/(?<!\*)\*([A-Z][A-Za-z ]+)\*(?!\*)/g)].map((m) => m[1]!);
    assert.deepEqual(
      listed,
      (contributes.views.lmm as { name: string }[]).map((v) => v.name),
    );
    assert.deepEqual(
      (contributes.viewsContainers.activitybar as { title: string }[]).map((c) => c.title),
      ['LMM'],
    );
  });

  it('"the ▶ button in the editor title" runs the harness, and a leak row\'s mute button suppresses it', () => {
    assert.ok(prose.includes('the ▶ button in the editor title'));
    const run = (contributes.menus['editor/title/run'] as { command: string; when: string }[]).find(
      (entry) => entry.command === PALETTE_COMMANDS.runHarness,
    );
    assert.ok(run, 'Run Harness is on the editor title');
    assert.match(run.when, /lmm\.isHarnessFile/);
    assert.equal(commands.find((c) => c.command === PALETTE_COMMANDS.runHarness)!.icon, '$(play)');

    assert.ok(prose.includes('the mute button on a leak row of the Leaks view'));
    const inline = (contributes.menus['view/item/context'] as { command: string; when: string; group: string }[]).find(
      (entry) => entry.command === MENU_COMMANDS.suppressFinding && entry.group === 'inline',
    );
    assert.ok(inline, 'Suppress is an inline button');
    assert.match(inline.when, /view == lmm\.leaks/);
    assert.equal(commands.find((c) => c.command === MENU_COMMANDS.suppressFinding)!.icon, '$(mute)');
  });
});

describe("README: the defaults and bounds it states are the settings' and the command line's", () => {
  it('lmm.eventsKept: "(default 1,000,000)"', () => {
    const stated = number(readmeSays(/`lmm\.eventsKept` operations\s+\(default ([\d,]+)\)/));
    assert.equal(settings['lmm.eventsKept']!.default, stated);
    assert.equal(SETTING_DEFAULTS.eventsKept, stated);
  });

  it('--memory-limit "(default 2048, at least 64; the lmm.memoryLimit setting in VS Code)", below it refused', async () => {
    const [, fallback, least] =
      /`--memory-limit MB`\s+\(default (\d+), at least (\d+); the `lmm\.memoryLimit` setting in VS Code\)/.exec(readme)!;
    assert.equal(DEFAULT_MEMORY_LIMIT_MB, Number(fallback));
    assert.equal(settings['lmm.memoryLimit']!.default, Number(fallback));
    assert.equal(settings['lmm.memoryLimit']!.minimum, Number(least));
    const below = await lmm('run', 'no-such-file.lmm.ts', '--memory-limit', String(Number(least) - 1));
    assert.equal(below.status, 2);
    assert.match(below.stderr, new RegExp(`^lmm run: --memory-limit: .*at least ${least}\\)`));
  });

  it('--time-limit "(default 10 s; at most 2,147,483,647", the lmm.timeLimit setting\'s default in seconds', async () => {
    const [, seconds, most] = /`--time-limit MS` \(default (\d+) s; at most ([\d,]+)/.exec(readme)!;
    assert.equal(DEFAULT_TIME_LIMIT_MS, Number(seconds) * 1000);
    assert.equal(settings['lmm.timeLimit']!.default, Number(seconds));
    const over = await lmm('run', 'no-such-file.lmm.ts', '--time-limit', String(number(most) + 1));
    assert.equal(over.status, 2);
    assert.match(over.stderr, /^lmm run: --time-limit: .*more than the largest/);
  });

  it('"the default 1 GiB of simulated memory"', () => {
    assert.ok(prose.includes('the default 1 GiB of simulated memory'));
    assert.equal(DEFAULT_MEMORY_CAP, 2 ** 30);
  });

  it('lmm.policy: "on another policy, Run Harness still runs on lmm-classic": the default, and every policy lmm policies lists', async () => {
    assert.match(readme, /With the `lmm\.policy` setting on another policy[^]*?still runs on lmm-classic/);
    const policy = settings['lmm.policy']!;
    assert.equal(policy.default, 'lmm-classic');
    const listed = await lmm('policies');
    assert.equal(listed.status, 0);
    assert.deepEqual(policy.enum, listed.stdout.trim().split('\n'));
    assert.deepEqual(policy.enum, [...POLICY_NAMES]);
    // "LMM (classic and extended) against seven other allocators", each a row of its table.
    assert.match(readme, /LMM \(classic and extended\) against seven other allocators/);
    assert.equal(POLICY_NAMES.length, 2 + 7);
    const section = readme.slice(readme.indexOf('\n## Allocation policies'), readme.indexOf('\n## Layout'));
    const table = section.slice(section.indexOf('|---'));
    const rows = [...table.matchAll(/^\| (?:\*\*)?([a-z][\w-]*)(?:\*\*)?[ |]/gm)].map((m) => m[1]!);
    assert.deepEqual(rows, [...POLICY_NAMES]);
  });
});
