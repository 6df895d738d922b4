// The custom LSP messages are typed descriptors spelled once in src/protocol/lspMessages.ts: the
// client and the server use the descriptors, never a bare method string that could drift.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as messages from '../../../src/protocol/lspMessages';

const root = path.resolve(__dirname, '../../..');

describe('custom LSP messages', () => {
  const descriptors = Object.values(messages as Record<string, unknown>).filter(
    (value): value is { kind: string; method: string } =>
      typeof value === 'object' && value !== null && 'method' in value && 'kind' in value,
  );

  it('are descriptors with distinct lmm/ methods', () => {
    assert.deepEqual(descriptors.map((d) => d.method).sort(), ['lmm/runResults', 'lmm/settings', 'lmm/structs']);
    for (const descriptor of descriptors) {
      assert.ok(Object.isFrozen(descriptor), `${descriptor.method} cannot be changed at run time`);
      assert.ok(descriptor.kind === 'request' || descriptor.kind === 'notification');
    }
  });

  it('are sent and handled through their descriptors only (no method string in the client or the server)', () => {
    const offenders: string[] = [];
    for (const folder of ['src/extension', 'src/server']) {
      for (const name of readdirSync(path.join(root, folder), { recursive: true }) as string[]) {
        if (!name.endsWith('.ts')) continue;
        const text = readFileSync(path.join(root, folder, name), 'utf8');
        for (const descriptor of descriptors)
          if (text.includes(`'${descriptor.method}'`)) offenders.push(`${folder}/${name}: ${descriptor.method}`);
      }
    }
    assert.deepEqual(offenders, []);
  });
});
