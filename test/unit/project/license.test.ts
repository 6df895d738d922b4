// The project is MIT-licensed (package.json says so) and its LICENSE file ships in the .vsix:
// `npm run package` must not skip it and .vscodeignore must let it through.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('the license', () => {
  it('LICENSE is the MIT license of the LMM Studio contributors, as package.json declares', () => {
    assert.equal(manifest.license, 'MIT');
    assert.ok(existsSync(path.join(root, 'LICENSE')), 'LICENSE exists');
    const text = readFileSync(path.join(root, 'LICENSE'), 'utf8');
    assert.match(text, /^MIT License\n/);
    assert.match(text, /Copyright \(c\) 2026 LMM Studio contributors/);
    assert.match(text, /THE SOFTWARE IS PROVIDED "AS IS"/);
  });

  it('is packaged: npm run package does not skip it and .vscodeignore lets it through', () => {
    assert.doesNotMatch(manifest.scripts.package, /--skip-license/);
    const ignore = readFileSync(path.join(root, '.vscodeignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim());
    assert.ok(ignore.includes('!LICENSE'), '.vscodeignore has !LICENSE');
  });
});
