/**
 * `#include <limits.h>` with the built-in preprocessor: gcc's own limits.h (which glibc's reaches
 * with #include_next) is never read, so its values are the preprocessor's own. png.h's
 * `#if CHAR_BIT != 8` / `#error` stopped every `--no-cc` import of it, with -I /usr/include too.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';

const FIXTURE = resolve(__dirname, '../../../fixtures/c-headers/limits-values');
const TEXT = readFileSync(join(FIXTURE, 'bytes.h'), 'utf8');

describe("import-c --no-cc: gcc's limits.h values", () => {
  it('an unread <limits.h> gives CHAR_BIT, INT_MAX, ULLONG_MAX…: no #error, and gcc’s 144 bytes', () => {
    const result = importCHeader(TEXT, 'bytes.h');
    assert.deepEqual(result.stoppedBy, []);
    // gcc: sizeof(struct bytes) is 144 (8 chars, 2 ints, 128 unsigned chars).
    assert.deepEqual(
      result.structs.map((s) => [s.name, s.size, s.status]),
      [['bytes', 144, 'written']],
    );
    assert.match(result.notes.map((n) => n.message).join('\n'), /#include <limits.h> not read: .*gcc's limits.h values/);
  });

  it("through glibc's #include_next <limits.h> in an -I directory too", () => {
    const resolveInclude = (name: string) =>
      name === 'limits.h'
        ? { name: join(FIXTURE, 'include', name), text: readFileSync(join(FIXTURE, 'include', name), 'utf8') }
        : null;
    const result = importCHeader(TEXT, 'bytes.h', { resolveInclude });
    assert.deepEqual(result.stoppedBy, []);
    assert.equal(result.structs[0]?.size, 144);
  });

  it("a header's own CHAR_BIT is kept", () => {
    const result = importCHeader(`#define CHAR_BIT 9\n${TEXT}`, 'bytes.h');
    assert.match(result.stoppedBy.map((n) => n.message).join('\n'), /#error "requires 8-bit bytes"/);
  });
});
