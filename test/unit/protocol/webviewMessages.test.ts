/**
 * The extension <-> Memory Map protocol's validators and the panel HTML's CSP
 * (src/protocol/webviewMessages.ts, src/protocol/memoryMapHtml.ts).
 */
import { strict as assert } from 'node:assert';
import { HeapOpKind, HeapOpRecorder } from '../../../src/engine/heapOps';
import { makeNonce, memoryMapCsp, memoryMapHtml } from '../../../src/protocol/memoryMapHtml';
import {
  MAX_TYPING_HOLD_MS,
  parseHeapOpBatch,
  parseHostToWebview,
  parseWebviewToHost,
} from '../../../src/protocol/webviewMessages';

const site = { file: '/ws/a.lmm.ts', line: 3, column: 5 };

function errorOf(result: { ok: boolean; error?: string }): string {
  assert.equal(result.ok, false, 'expected a rejection');
  return result.error!;
}

describe('webview protocol: messages from the webview', () => {
  it('accepts every message kind as documented', () => {
    const messages = [
      { type: 'ready' },
      {
        type: 'blockSelected',
        runId: 'r',
        address: 0x7f00,
        step: 4,
        struct: 'emp_t',
        free: false,
        allocStep: 2,
        siteId: 1,
        site,
      },
      { type: 'blockSelected', runId: 'r', address: 0x7f00, step: 4, struct: 'emp_t', free: true, allocStep: -1, siteId: -1 },
      { type: 'stepChanged', runId: 'r', step: -1, siteId: -1 },
      { type: 'stepChanged', runId: 'r', step: 10, siteId: 3, site },
      { type: 'resyncRequest', runId: 'r', fromStep: 4096 },
      { type: 'suppressFinding', runId: 'r', finding: 'leak', index: 0 },
      { type: 'suppressFinding', runId: 'r', finding: 'error', index: 12 },
      { type: 'webviewError', message: 'oops' },
    ];
    for (const message of messages) assert.deepEqual(parseWebviewToHost(message), { ok: true, message });
  });

  it('rejects anything else with the path of the first problem', () => {
    assert.match(errorOf(parseWebviewToHost(null)), /message: expected an object/);
    // Suppress names a finding by its list and place only: no file, kind or stack crosses over.
    assert.match(
      errorOf(parseWebviewToHost({ type: 'suppressFinding', runId: 'r', finding: 'hint', index: 0 })),
      /finding: expected leak \| error/,
    );
    assert.match(
      errorOf(parseWebviewToHost({ type: 'suppressFinding', runId: 'r', finding: 'leak', index: -1 })),
      /index: expected an integer ≥ 0/,
    );
    assert.deepEqual(
      parseWebviewToHost({ type: 'suppressFinding', runId: 'r', finding: 'leak', index: 0, harnessFile: '/etc/passwd' }),
      { ok: true, message: { type: 'suppressFinding', runId: 'r', finding: 'leak', index: 0 } },
      'anything more is dropped',
    );
    assert.match(errorOf(parseWebviewToHost([])), /message: expected an object/);
    assert.match(errorOf(parseWebviewToHost({ type: 'runCommand', command: 'rm -rf /' })), /unknown message type "runCommand"/);
    assert.match(
      errorOf(parseWebviewToHost({ type: 'stepChanged', runId: 'r', step: 1.5, siteId: 0 })),
      /message\(stepChanged\)\.step: expected an integer ≥ -1/,
    );
    assert.match(
      errorOf(parseWebviewToHost({ type: 'stepChanged', runId: 'r', step: 1, siteId: -2 })),
      /siteId: expected an integer ≥ -1/,
    );
    assert.match(
      errorOf(
        parseWebviewToHost({ type: 'stepChanged', runId: 'r', step: 1, siteId: 0, site: { file: 'a', line: -1, column: 1 } }),
      ),
      /site\.line: expected an integer ≥ 0/,
    );
    assert.match(
      errorOf(
        parseWebviewToHost({
          type: 'blockSelected',
          runId: 'r',
          address: 0,
          step: 0,
          struct: 'x',
          free: false,
          allocStep: 0,
          siteId: 0,
        }),
      ),
      /address: expected an integer ≥ 1/,
    );
    assert.match(
      errorOf(
        parseWebviewToHost({
          type: 'blockSelected',
          runId: 'r',
          address: 9,
          step: 0,
          struct: 'x',
          free: 'no',
          allocStep: 0,
          siteId: 0,
        }),
      ),
      /free: expected a boolean/,
    );
    assert.match(errorOf(parseWebviewToHost({ type: 'resyncRequest', runId: 7, fromStep: 0 })), /runId: expected a string/);
    assert.match(errorOf(parseWebviewToHost({ type: 'webviewError', message: 'x'.repeat(20000) })), /at most 10000 characters/);
  });
});

describe('webview protocol: messages into the webview', () => {
  function batch() {
    const recorder = new HeapOpRecorder(8);
    recorder.record(HeapOpKind.Register, 36, 0, 0, 0, 'emp_t');
    recorder.record(HeapOpKind.Alloc, 0, 2, 0x7effffffe048, 1);
    recorder.record(HeapOpKind.Free, 0x7effffffe048, 0, 1, 2);
    recorder.record(HeapOpKind.Mark, 1, 0, 0, -1);
    return recorder.flush()!;
  }

  it('accepts a heap operation batch as typed arrays or as plain number arrays, and copies it', () => {
    const original = batch();
    const parsed = parseHeapOpBatch(original);
    assert.deepEqual(parsed, original);
    assert.notEqual(parsed.a, original.a, 'a copy, not the posted arrays');
    const plain = {
      ...original,
      kind: [...original.kind],
      a: [...original.a],
      b: [...original.b],
      c: [...original.c],
      site: [...original.site],
    };
    assert.deepEqual(parseHeapOpBatch(plain), original);
  });

  it('rejects batches whose columns, kinds or names do not add up', () => {
    const b = batch();
    assert.throws(
      () => parseHeapOpBatch({ ...b, kind: Uint8Array.of(1, 2, 7, 4) }),
      /batch\.kind\[2\]: expected an operation kind 1 … 4/,
    );
    assert.throws(() => parseHeapOpBatch({ ...b, a: b.a.slice(0, 2) }), /batch\.a: expected at least 4 entries/);
    assert.throws(() => parseHeapOpBatch({ ...b, names: [] }), /batch\.names: expected 1 struct names/);
    assert.throws(() => parseHeapOpBatch({ ...b, c: [1, 2, 'x', 4] }), /batch\.c\[2\]: expected a number/);
    assert.throws(() => parseHeapOpBatch({ ...b, firstStep: -1 }), /batch\.firstStep: expected an integer ≥ 0/);
    assert.throws(
      () => parseHeapOpBatch({ ...b, site: new DataView(new ArrayBuffer(16)) }),
      /batch\.site: expected a typed array/,
    );
  });

  it('accepts every host message kind as documented', () => {
    const messages = [
      { type: 'settings', structColors: { emp_t: '#ff8800', student_t: 'rgb(1, 2, 3)' } },
      { type: 'runStarted', runId: 'r', pageSize: 4096, title: 'a.lmm.ts', live: true },
      { type: 'runStarted', runId: 'r', pageSize: 4096, title: 'a.lmm.ts', live: false, memoryCap: 1 << 20 },
      { type: 'sites', runId: 'r', firstId: 0, sites: [site] },
      { type: 'heapOps', runId: 'r', batch: batch() },
      { type: 'leakCheck', runId: 'r', step: 3, leaks: [{ kind: 'definitely-lost', blocks: 1, bytes: 36 }] },
      { type: 'leakCheck', runId: 'r', step: 3, site, leaks: [] },
      { type: 'runEnded', runId: 'r', state: 'failed', message: 'TypeError at a.lmm.ts:4' },
      {
        type: 'report',
        runId: 'r',
        report: { schemaVersion: 2, leakChecks: [{ event: 3, leaks: [] }], peak: { event: 2, appMemory: 120 } },
      },
      { type: 'report', runId: 'r', report: { schemaVersion: 2 }, suppressible: true },
      // Whether the run completed: the webview reads neither, and takes both.
      { type: 'report', runId: 'r', report: { schemaVersion: 2, complete: true, leaks: [] } },
      { type: 'report', runId: 'r', report: { schemaVersion: 2, complete: false, leaks: [] } },
      { type: 'revealBlock', runId: 'r', address: 0x7f0000, step: 2 },
      { type: 'goToStep', runId: 'r', step: -1 },
      { type: 'personTyping', forMs: 1000 },
      { type: 'personTyping', forMs: MAX_TYPING_HOLD_MS },
    ];
    for (const message of messages) assert.deepEqual(parseHostToWebview(message), { ok: true, message });
  });

  it('rejects host messages that are malformed', () => {
    assert.match(
      errorOf(parseHostToWebview({ type: 'settings', structColors: { a: 'url(x.png)' } })),
      /structColors\.a: expected a CSS colour/,
    );
    assert.match(
      errorOf(parseHostToWebview({ type: 'settings', structColors: { a: 'red;background:url(x)' } })),
      /expected a CSS colour/,
    );
    assert.match(
      errorOf(parseHostToWebview({ type: 'runStarted', runId: 'r', pageSize: 0, title: 't', live: true })),
      /pageSize: expected an integer ≥ 1/,
    );
    assert.match(
      errorOf(parseHostToWebview({ type: 'runEnded', runId: 'r', state: 'exploded' })),
      /state: expected finished \| failed \| stopped/,
    );
    assert.match(
      errorOf(parseHostToWebview({ type: 'leakCheck', runId: 'r', step: 1, leaks: [{ kind: 'lost', blocks: 1, bytes: 1 }] })),
      /kind: expected definitely-lost/,
    );
    assert.match(
      errorOf(parseHostToWebview({ type: 'report', runId: 'r', report: { schemaVersion: 0 } })),
      /schemaVersion: expected an integer ≥ 1/,
    );
    assert.match(
      errorOf(parseHostToWebview({ type: 'report', runId: 'r', report: { schemaVersion: 2, leakChecks: {} } })),
      /report\.leakChecks: expected an array/,
    );
    assert.match(
      errorOf(parseHostToWebview({ type: 'sites', runId: 'r', firstId: 0, sites: [{ file: 'a', line: 1 }] })),
      /sites\[0\]\.column: expected an integer/,
    );
    assert.match(errorOf(parseHostToWebview({ type: 'heapOps', runId: 'r' })), /batch: expected an object/);
    assert.match(
      errorOf(parseHostToWebview({ type: 'report', runId: 'r', report: { schemaVersion: 2 }, suppressible: 'yes' })),
      /suppressible: expected a boolean/,
    );
    assert.match(errorOf(parseHostToWebview({ type: 'ready' })), /unknown message type "ready" from the host/);
    // A typing notice cannot freeze the map's live redraws for long, nor carry a value that is not a duration.
    assert.match(
      errorOf(parseHostToWebview({ type: 'personTyping', forMs: MAX_TYPING_HOLD_MS + 1 })),
      /forMs: expected at most 10000/,
    );
    for (const forMs of [-1, 1.5, Infinity, '1000', null])
      assert.match(errorOf(parseHostToWebview({ type: 'personTyping', forMs })), /forMs: expected an integer ≥ 0/);
  });
});

describe('Memory Map panel HTML', () => {
  const input = {
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    nonce: makeNonce(),
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/memoryMap.js',
    styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/memoryMap.css',
    codiconsUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/codicon.css?a="b"',
  };

  it('has a strict CSP: nothing by default, nonce scripts, styles and fonts only from the extension', () => {
    const csp = memoryMapCsp(input.cspSource, input.nonce);
    assert.equal(
      csp,
      `default-src 'none'; img-src ${input.cspSource} data:; style-src ${input.cspSource}; font-src ${input.cspSource}; script-src 'nonce-${input.nonce}'`,
    );
    const html = memoryMapHtml(input);
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${csp.replace(/'/g, "'")}">`));
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
    assert.equal(scripts.length, 1);
    assert.ok(scripts[0]!.includes(`nonce="${input.nonce}"`));
    assert.ok(html.includes('id="vscode-codicon-stylesheet"'), 'vscode-elements finds the codicons by this id');
    assert.ok(html.includes('codicon.css?a=&quot;b&quot;'), 'URIs are escaped inside attributes');
    assert.ok(!/unsafe-inline|unsafe-eval|https?:\/\/(?!file\+)/.test(csp));
  });

  it('makes fresh 128-bit nonces and refuses weak ones', () => {
    const nonces = new Set(Array.from({ length: 50 }, () => makeNonce()));
    assert.equal(nonces.size, 50);
    for (const n of nonces) assert.match(n, /^[A-Za-z0-9_-]{22}$/);
    assert.throws(() => memoryMapHtml({ ...input, nonce: 'abc' }), /nonce must be ≥ 16/);
    assert.throws(() => memoryMapHtml({ ...input, nonce: `${'a'.repeat(20)}" onload="x` }), /nonce/);
  });
});
