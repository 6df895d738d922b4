/**
 * Fuzzing the trace and .rep parsers through the command line's own entry point (`main`, as
 * bin/lmm.js calls it): whatever the bytes, `lmm trace` and `lmm replay` end with exit 0, or
 * exit 2 and one `FILE:LINE: …` line, and nothing else — no throw, no stack, no internal error.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { lmm } from '../../support/lmmCli';

const scratch = mkdtempSync(join(tmpdir(), 'lmm-fuzz-'));
let files = 0;

const encode = (text: string): number[] => [...new TextEncoder().encode(text)];

/** Raw pieces of a line: words of the format, numbers of every size, and bytes that break text. */
function piece(words: string[]): fc.Arbitrary<number[]> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...words).map(encode) },
    {
      weight: 3,
      arbitrary: fc.constantFrom('0', '1', '8', '100', '4096', '4294967296', '-1', '1e3', '9'.repeat(30)).map(encode),
    },
    { weight: 3, arbitrary: fc.constantFrom(' ', ' ', '\t', '\r').map(encode) },
    { weight: 1, arbitrary: fc.constantFrom([0], [0xef, 0xbb, 0xbf], [0xff], [0xc3], [7], [0x7f], encode('é')) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4 }).map((bytes) => [...bytes]) },
  );
}

/** A file of up to ~30 lines of such pieces, maybe with a BOM, CRLF, and cut anywhere. */
function fileBytes(words: string[], header: string[] = []): fc.Arbitrary<Uint8Array> {
  const line = fc.array(piece(words), { maxLength: 6 }).map((pieces) => pieces.flat());
  return fc
    .tuple(
      fc.boolean(),
      fc.array(line, { maxLength: 30 }),
      fc.constantFrom('\n', '\r\n'),
      fc.option(fc.nat(2000), { nil: undefined }),
      fc.boolean(),
    )
    .map(([bom, lines, newline, cut, withHeader]) => {
      const all = [...(withHeader ? header.map(encode) : []), ...lines];
      const bytes = [...(bom ? [0xef, 0xbb, 0xbf] : []), ...all.flatMap((l) => [...l, ...encode(newline)])];
      return Uint8Array.from(cut === undefined ? bytes : bytes.slice(0, cut));
    });
}

/** A well-formed .rep (header counts that add up, requests on live ids only), then one byte-level mutation. */
function mutatedRep(): fc.Arbitrary<Uint8Array> {
  const request = fc.tuple(fc.constantFrom('a', 'r', 'f'), fc.nat(3), fc.nat(5000));
  return fc
    .tuple(
      fc.array(request, { maxLength: 20 }),
      fc.option(fc.tuple(fc.nat(400), fc.nat(6), piece(['a', 'r', 'f', '0', '#'])), { nil: undefined }),
    )
    .map(([requests, mutation]) => {
      const live = new Set<number>();
      const lines: string[] = [];
      for (const [kind, id, bytes] of requests) {
        if (kind === 'a' && !live.has(id)) {
          live.add(id);
          lines.push(`a ${id} ${bytes}`);
        } else if (kind === 'r' && live.has(id)) lines.push(`r ${id} ${bytes}`);
        else if (kind === 'f' && live.has(id)) {
          live.delete(id);
          lines.push(`f ${id}`);
        }
      }
      const bytes = encode(['0', '4', String(lines.length), '1', ...lines].join('\n') + '\n');
      if (mutation === undefined) return Uint8Array.from(bytes);
      const [at, deleted, inserted] = mutation;
      const position = Math.min(at, bytes.length);
      bytes.splice(position, deleted, ...inserted);
      return Uint8Array.from(bytes);
    });
}

async function assertCleanExit(verb: string, extension: string, bytes: Uint8Array): Promise<void> {
  const file = join(scratch, `f${files++}${extension}`);
  writeFileSync(file, bytes);
  const r = await lmm(verb, file);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, r.stderr);
  assert.ok(r.status === 0 || r.status === 2, `exit ${r.status}: ${r.stderr}`);
  const located = new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: \\S`);
  if (r.status === 2) {
    assert.equal(lines.length, 1, r.stderr);
    assert.equal(r.stdout, '');
  }
  // Diagnostics (exit 0) and the error (exit 2) all name the file and a line.
  for (const l of lines) assert.match(l, located);
}

describe('parser fuzzing through lmm trace / lmm replay', function () {
  this.timeout(120_000);

  it('lmm trace: any bytes give exit 0, or exit 2 with one FILE:LINE line', async () => {
    const words = ['page', 'reg', 'alloc', 'free', 'dump', '#', 's_t', 'node_t', 'a1', 'a2', 'b7', 'a16000000', 'x-y'];
    await fc.assert(
      fc.asyncProperty(fileBytes(words, ['page 4096', 'reg s_t 24', 'reg node_t 56']), (bytes) =>
        assertCleanExit('trace', '.trace', bytes),
      ),
      { numRuns: 400 },
    );
  });

  // Fewer runs: each replay that parses also runs the policy's 100 ms timing pass.
  it('lmm replay of a .trace: the same', async () => {
    const words = ['page', 'reg', 'alloc', 'free', 'dump', 's_t', 'a1', 'a2'];
    await fc.assert(
      fc.asyncProperty(fileBytes(words, ['reg s_t 24']), (bytes) => assertCleanExit('replay', '.trace', bytes)),
      { numRuns: 8 },
    );
  });

  it('lmm replay of a .rep: any bytes give exit 0, or exit 2 with one FILE:LINE line', async () => {
    const words = ['a', 'r', 'f', '0', '1', '2', '3', '#'];
    await fc.assert(
      fc.asyncProperty(fileBytes(words, ['0', '3', '4', '1']), (bytes) => assertCleanExit('replay', '.rep', bytes)),
      { numRuns: 150 },
    );
  });

  // Fewer runs: a well-formed one also runs the policy's 100 ms timing pass.
  it('lmm replay of a well-formed .rep with one mutation: the same', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedRep(), (bytes) => assertCleanExit('replay', '.rep', bytes)),
      { numRuns: 20 },
    );
  });
});
