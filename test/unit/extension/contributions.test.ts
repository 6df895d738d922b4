// package.json and the code spell every command, view, context key and setting default the same
// way: the tables in src/extension/contributions.ts and model/settingsSchema.ts are the code's
// side, and these tests fail when the manifest drifts from them (a renamed command would leave a
// menu entry that does nothing; a changed default would make runs and checks disagree).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  COMMANDS,
  CONTEXT_KEYS,
  INTERNAL_COMMANDS,
  MENU_COMMANDS,
  PALETTE_COMMANDS,
  TREE_VIEWS,
} from '../../../src/extension/contributions';
import { NUMBER_BOUNDS, SETTING_DEFAULTS, settingFrom, settingProblem } from '../../../src/extension/model/settingsSchema';

const root = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const contributes = manifest.contributes;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** Every `command` value anywhere under a manifest section (menus, welcome-view links, ...). */
function commandsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) commandsIn(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'command' && typeof item === 'string') found.push(item);
      else commandsIn(item, found);
    }
  }
  return found;
}

describe('contributions: package.json against the code tables', () => {
  it('declares exactly the palette and menu commands, none of the internal ones, and hides the menu ones from the palette', () => {
    const declared: string[] = (contributes.commands as { command: string }[]).map((c) => c.command).sort();
    const listed: string[] = [...Object.values(PALETTE_COMMANDS), ...Object.values(MENU_COMMANDS)].sort();
    assert.deepEqual(declared, listed);
    for (const internal of Object.values(INTERNAL_COMMANDS)) assert.ok(!declared.includes(internal), internal);
    const palette = contributes.menus.commandPalette as { command: string; when: string }[];
    for (const command of Object.values(MENU_COMMANDS)) {
      assert.equal(palette.find((entry) => entry.command === command)?.when, 'false', `${command} is hidden from the palette`);
    }
  });

  it('every menu entry and welcome-view link names a command the extension registers (or a VS Code one)', () => {
    const known = new Set<string>(Object.values(COMMANDS));
    const inMenus = commandsIn(contributes.menus);
    assert.ok(inMenus.length > 5, 'the menus name commands');
    for (const command of inMenus) assert.ok(known.has(command), `menu names unknown command ${command}`);
    const links = (contributes.viewsWelcome as { contents: string }[]).flatMap((view) =>
      [...view.contents.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]!),
    );
    for (const command of links.filter((c) => c.startsWith('lmm.'))) assert.ok(known.has(command), command);
  });

  it('declares the tree views in the table, in order, and every context key a when clause reads is one the code sets', () => {
    assert.deepEqual(
      (contributes.views.lmm as { id: string }[]).map((v) => v.id),
      Object.values(TREE_VIEWS),
    );
    const whens = JSON.stringify(contributes).match(/"(?:when|enablement)":"[^"]*"/g) ?? [];
    const keys = new Set(whens.flatMap((clause) => clause.match(/\blmm\.\w+/g) ?? []));
    const contextKeys = new Set<string>(Object.values(CONTEXT_KEYS));
    const settingsInWhen = new Set(['lmm.runOnSave']);
    for (const key of keys) {
      if (key.startsWith('lmm.') && !settingsInWhen.has(key))
        assert.ok(
          contextKeys.has(key) ||
            Object.values(COMMANDS).some((c) => c === key) ||
            Object.values(TREE_VIEWS).some((v) => v === key),
          `when clause reads ${key}`,
        );
    }
    for (const key of contextKeys) assert.ok(keys.has(key), `${key} is set but no when clause reads it`);
  });

  it('registers commands only through the table (no command id spelled as a literal in src/extension)', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(path.join(root, 'src/extension'))) {
      if (file.endsWith('contributions.ts')) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:registerCommand|executeCommand)\(\s*['"`](lmm\.[\w.]+)|command:\s*['"`](lmm\.[\w.]+)/g))
        offenders.push(`${path.relative(root, file)}: ${m[1] ?? m[2]}`);
    }
    assert.deepEqual(offenders, []);
  });
});

describe('README: the settings it lists', () => {
  it('"In VS Code" names every setting package.json declares, and no other', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## In VS Code'), readme.indexOf('\n## The command line'));
    const sentence = /Settings: ((?:`lmm\.[\w.]+`,?\s*)+)\./.exec(section);
    assert.ok(sentence, 'a "Settings:" sentence in "In VS Code"');
    const listed = [...sentence[1]!.matchAll(/`(lmm\.[\w.]+)`/g)].map((m) => m[1]!);
    assert.deepEqual([...listed].sort(), Object.keys(contributes.configuration.properties).sort());
  });
});

describe('settings: one typed record with its defaults spelled once', () => {
  const properties = contributes.configuration.properties as Record<string, { default: unknown; scope: string }>;

  it('has the defaults package.json declares, for every setting in the table', () => {
    for (const [name, value] of Object.entries(SETTING_DEFAULTS)) {
      assert.ok(properties[`lmm.${name}`], `lmm.${name} is declared`);
      assert.deepEqual(properties[`lmm.${name}`]!.default, value, `lmm.${name}`);
    }
  });

  it('reads every resource-scoped setting in the table (none is forgotten)', () => {
    const resourceScoped = Object.entries(properties)
      .filter(([, p]) => p.scope === 'resource')
      .map(([name]) => name.slice('lmm.'.length));
    for (const name of resourceScoped) assert.ok(name in SETTING_DEFAULTS, `lmm.${name} has no typed reader`);
  });

  it('falls back to the default for a value of the wrong type (a hand-edited settings.json)', () => {
    assert.equal(settingFrom('pageSize', '8192'), SETTING_DEFAULTS.pageSize);
    assert.equal(settingFrom('pageSize', Number.NaN), SETTING_DEFAULTS.pageSize);
    assert.equal(settingFrom('timeLimit', Infinity), SETTING_DEFAULTS.timeLimit);
    assert.equal(settingFrom('runOnSave', 'true'), false);
    assert.equal(settingFrom('policy', 7), 'lmm-classic');
    assert.equal(settingFrom('pageSize', 8192), 8192);
    assert.equal(settingFrom('pageSize', undefined), 4096);
  });

  it('holds a hand-edited number to the range package.json declares (out of it: the default)', () => {
    const numeric = Object.entries(contributes.configuration.properties as Record<string, Record<string, unknown>>).filter(
      ([name, p]) => (p.type === 'number' || p.type === 'integer') && name.slice('lmm.'.length) in SETTING_DEFAULTS,
    );
    assert.deepEqual(numeric.map(([name]) => name.slice('lmm.'.length)).sort(), Object.keys(NUMBER_BOUNDS).sort());
    for (const [qualified, p] of numeric) {
      const name = qualified.slice('lmm.'.length) as keyof typeof NUMBER_BOUNDS;
      const bounds = NUMBER_BOUNDS[name];
      assert.deepEqual(
        { minimum: bounds.minimum, maximum: bounds.maximum, integer: bounds.integer, multipleOf: bounds.multipleOf },
        { minimum: p.minimum, maximum: p.maximum, integer: p.type === 'integer', multipleOf: p.multipleOf },
        qualified,
      );
      assert.equal(settingFrom(name, bounds.minimum), bounds.minimum, `${qualified} at its minimum`);
      assert.equal(settingFrom(name, bounds.maximum), bounds.maximum, `${qualified} at its maximum`);
      const step = bounds.multipleOf ?? (bounds.integer ? 1 : 0.05);
      assert.equal(settingFrom(name, bounds.minimum - step), SETTING_DEFAULTS[name], `${qualified} below its minimum`);
      assert.equal(settingFrom(name, bounds.maximum + step), SETTING_DEFAULTS[name], `${qualified} above its maximum`);
      assert.equal(settingFrom(name, 0), SETTING_DEFAULTS[name], `${qualified} of 0`);
      assert.equal(settingFrom(name, -1), SETTING_DEFAULTS[name], `${qualified} of -1`);
      if (bounds.integer)
        assert.equal(settingFrom(name, bounds.minimum + 0.5), SETTING_DEFAULTS[name], `${qualified} not an integer`);
    }
    assert.equal(settingFrom('pageSize', 4100), SETTING_DEFAULTS.pageSize, 'not a multiple of 8');
    assert.equal(settingFrom('timeLimit', 0.25), 0.25);
  });

  it('says why a value set is not used (the warning VS Code shows), and nothing for a value used or none set', () => {
    assert.equal(settingProblem('timeLimit', 0), '0 is outside 0.1 to 3600');
    assert.equal(settingProblem('pageSize', 4100), '4100 is not a multiple of 8');
    assert.equal(settingProblem('memoryLimit', 100.5), '100.5 is not a whole number');
    assert.equal(settingProblem('pageSize', '8192'), '"8192" is not a number');
    assert.equal(settingProblem('timeLimit', Infinity), 'Infinity is not a finite number');
    assert.match(settingProblem('policy', { a: 'x'.repeat(200) })!, /^\{"a":"x{54}… is not a string$/);
    for (const [name, value] of [
      ['timeLimit', 10],
      ['pageSize', 8192],
      ['policy', 'buddy'],
      ['structColors', 'red'],
      ['timeLimit', undefined],
    ] as const)
      assert.equal(settingProblem(name, value), undefined, `${name} = ${String(value)}`);
  });

  it('keeps only well-formed struct colours', () => {
    assert.deepEqual(settingFrom('structColors', { a: '#abc', b: '#aabbcc', c: 'red', d: 42, e: '#abcd', f: '#abc;x' }), {
      a: '#abc',
      b: '#aabbcc',
    });
    assert.deepEqual(settingFrom('structColors', ['#abc']), {});
    assert.deepEqual(settingFrom('structColors', null), {});
  });
});
