/**
 * README, "In VS Code": a harness runs "never in an untrusted workspace". VS Code cannot be made
 * untrusted in the integration tier (it runs with workspace trust off), so these tests follow every
 * way from the extension to the harness runtime in the sources and fail when one of them does not
 * pass a trust check first: a new import of the runtime, a second caller of the run, a check moved
 * after the run, a runOnSave that is not a restricted setting.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** The modules of src/harness that compile and run a harness (the rest parse file names and suppressions). */
const RUNNING_MODULES =
  /from '(?:\.\.\/)+harness\/(runHarness|recordHarnessWorkload|worker\/[\w/]+|sandbox\/[\w/]+|runtime\/[\w/]+)'/g;

/** `text` from `start` to the first `end` after it (a function's body, roughly: enough to order two calls). */
function between(text: string, start: string, end: string): string {
  const from = text.indexOf(start);
  assert.ok(from >= 0, `${start} not found`);
  const to = text.indexOf(end, from + start.length);
  return text.slice(from, to < 0 ? undefined : to);
}

/** Asserts that in `body` a trust check that leaves (return or throw) comes before `call`. */
function trustCheckedBefore(body: string, call: string, file: string): void {
  const check = body.search(/if \(\s*(?:harness && )?!vscode\.workspace\.isTrusted\b/);
  const callAt = body.indexOf(call);
  assert.ok(callAt >= 0, `${file}: ${call} not found`);
  assert.ok(check >= 0 && check < callAt, `${file}: no trust check before ${call}`);
  const guarded = body.slice(check, callAt);
  assert.match(guarded, /\b(return|throw)\b/, `${file}: the trust check before ${call} does not leave`);
}

describe('workspace trust: no way from the extension to a harness run skips it', () => {
  it('only the harness runner and the policy recording import the modules that run a harness', () => {
    const importers: string[] = [];
    for (const dir of ['src/extension', 'src/server', 'src/protocol', 'src/analysis']) {
      for (const file of sourceFiles(path.join(root, dir))) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(RUNNING_MODULES)) importers.push(`${path.relative(root, file)} → ${m[1]}`);
      }
    }
    assert.deepEqual(importers.sort(), [
      'src/extension/harnessRunner.ts → runHarness',
      'src/extension/policyCommands.ts → recordHarnessWorkload',
    ]);
  });

  it('a run of the harness runner starts only in LMM: Run Harness, after its trust check returned', () => {
    const callers: string[] = [];
    for (const file of sourceFiles(path.join(root, 'src/extension'))) {
      const text = readFileSync(file, 'utf8');
      if (/controller\.runHarness\(|\.harnessRunner\.start\(|(?<!function )createHarnessRunner\(/.test(text))
        callers.push(path.relative(root, file));
    }
    // extension.ts wires the runner into the controller; runController.ts starts it in runHarness();
    // runHarnessCommand.ts is the only caller of that.
    assert.deepEqual(callers.sort(), [
      'src/extension/extension.ts',
      'src/extension/features/runHarnessCommand.ts',
      'src/extension/runController.ts',
    ]);
    const controller = read('src/extension/runController.ts');
    assert.equal([...controller.matchAll(/\.harnessRunner\.start\(/g)].length, 1);
    const start = controller.indexOf('this.harnessRunner.start(');
    assert.ok(start > controller.indexOf('async runHarness(uri'), 'the runner starts inside RunController.runHarness');
    assert.equal([...read('src/extension/extension.ts').matchAll(/controller\.runHarness\(/g)].length, 0);

    const command = read('src/extension/features/runHarnessCommand.ts');
    trustCheckedBefore(
      between(command, 'const runHarness: RunHarness', '\n  };'),
      'controller.runHarness(',
      'runHarnessCommand.ts',
    );
  });

  it('the trust check is not a trace’s: a trace opens before it, a harness never passes it untrusted', () => {
    const body = between(read('src/extension/features/runHarnessCommand.ts'), 'const runHarness: RunHarness', '\n  };');
    // Everything between the check and the run is the refusal (a message and the trust editor).
    const refusal = between(body, '!vscode.workspace.isTrusted', 'return undefined;');
    assert.doesNotMatch(refusal, /controller\.|openTrace\(|runHarness\(/);
    assert.ok(body.indexOf('openTrace(uri)') < body.indexOf('isTrusted'), 'a trace is opened without trust');
  });

  it('Compare Runs and the policy page record a harness only after their trust check threw', () => {
    const file = 'src/extension/policyCommands.ts';
    const text = read(file);
    assert.equal([...text.matchAll(/recordHarnessWorkload\(/g)].length, 1);
    const body = between(text, 'const harness = !isTraceFile(uri.fsPath)', 'recordHarnessWorkload(') + 'recordHarnessWorkload(';
    trustCheckedBefore(body, 'recordHarnessWorkload(', file);
  });

  it('lmm.runOnSave runs through Run Harness (which checks trust), checks trust itself, and is a restricted setting', () => {
    const editors = read('src/extension/features/harnessEditors.ts');
    const onSave = between(editors, 'onDidSaveTextDocument(', '\n    }),');
    trustCheckedBefore(onSave, 'runHarness(document.uri)', 'harnessEditors.ts');
    assert.match(read('src/extension/extension.ts'), /trackHarnessEditors\(services, runHarness\)/);
    assert.match(read('src/extension/extension.ts'), /const runHarness = registerRunHarness\(/);

    const manifest = JSON.parse(read('package.json'));
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    assert.ok(untrusted.restrictedConfigurations.includes('lmm.runOnSave'));
  });

  it('the helper that checks the order fails on a check after the run, or one that does not leave', () => {
    const after = 'await controller.runHarness(uri);\nif (!vscode.workspace.isTrusted) { return undefined; }';
    assert.throws(() => trustCheckedBefore(after, 'controller.runHarness(', 'x'), /no trust check before/);
    const stays = 'if (!vscode.workspace.isTrusted) { log("untrusted"); }\nawait controller.runHarness(uri);';
    assert.throws(() => trustCheckedBefore(stays, 'controller.runHarness(', 'x'), /does not leave/);
  });
});
