/**
 * The compiler's word on layouts: `probeLayouts` compiles a program against the header and names
 * every struct whose size, alignment, member offset or bit-field bits differ from the importer's,
 * and `lmm import-c` then writes no class for it.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCHeader } from '../../../src/analysis/cImport/importCHeader';
import { probeLayouts } from '../../../src/cli/cLayoutProbe';
import { compilerOrSkip } from '../../support/cCompiler';

const HEADER = `#include <stdint.h>
typedef struct { uint8_t tag; uint32_t len; } rec_t;
struct flags { unsigned a:3, b:7; unsigned char after; };
#ifdef WIDE
struct sized { long x; };
#else
struct sized { int x; };
#endif
`;

describe('lmm import-c asks the compiler for every layout', function () {
  this.timeout(60_000);
  let dir: string;
  let header: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lmm-probe-'));
    header = join(dir, 'probe.h');
    writeFileSync(header, HEADER);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs no compiler when no struct is left to compare (100,000 nested structs kept gcc busy for minutes)', () => {
    // A compiler that does not exist: asked at all, the probe would say it could not compile.
    const probe = probeLayouts(join(dir, 'no-such-compiler'), header, [], [], []);
    assert.deepEqual(probe, { differences: new Map() });
  });

  it('finds no difference where the importer is right', function () {
    const cc = compilerOrSkip(this);
    const result = importCHeader(HEADER, 'probe.h', { defines: [] });
    const probe = probeLayouts(cc, header, [], [], result.structs);
    assert.equal(probe.failure, undefined);
    assert.deepEqual([...probe.differences], []);
  });

  it('names the struct and the member when a size, an offset or a bit-field differs, and the struct gets no class', function () {
    const cc = compilerOrSkip(this);
    const result = importCHeader(HEADER, 'probe.h');
    const wrong = result.structs.map((s) => structuredClone(s));
    const rec = wrong.find((s) => s.name === 'rec_t')!;
    rec.cMembers[1] = { ...rec.cMembers[1]!, bit: 8 * 8 };
    const flags = wrong.find((s) => s.name === 'flags')!;
    flags.cMembers[1] = { ...flags.cMembers[1]!, bit: 4 };
    // The header read without -D WIDE, the compiler asked with it: struct sized differs in size.
    const probe = probeLayouts(cc, header, [], [{ name: 'WIDE', value: '1' }], wrong);
    assert.deepEqual([...probe.differences.keys()].sort(), ['rec_t', 'struct flags', 'struct sized']);
    assert.match(probe.differences.get('rec_t')!, /puts len at offset 4, the importer at 8/);
    assert.match(probe.differences.get('struct flags')!, /puts bit-field b at bit 3, the importer at bit 4/);
    assert.match(probe.differences.get('struct sized')!, /makes it 8 bytes, align 8, the importer 4 bytes, align 4/);
    const refused = importCHeader(HEADER, 'probe.h', { refused: probe.differences });
    assert.deepEqual(
      refused.structs.map((s) => [s.name, s.status]),
      [
        ['rec_t', 'dropped'],
        ['flags', 'dropped'],
        ['sized', 'dropped'],
      ],
    );
    assert.doesNotMatch(refused.source, /class (rec_t|flags|sized)\b/);
  });

  it('says when the check could not be compiled, rather than passing', function () {
    const cc = compilerOrSkip(this);
    const result = importCHeader(HEADER, 'probe.h');
    const broken = result.structs.map((s) => ({ ...s, cName: s.cName === 'rec_t' ? 'struct no_such_struct' : s.cName }));
    const probe = probeLayouts(cc, header, [], [], broken);
    assert.match(probe.failure ?? '', /could not compile the layout check/);
  });

  it('reads all the probe prints, past the 1 MiB a pipe took (ENOBUFS before)', function () {
    const cc = compilerOrSkip(this);
    // 60 anonymous structs in each other make every member's key in the probe's output ~130
    // bytes long: 9,000 members print over 1 MiB, as 200,000 flat ones do, and compile in a second.
    const depth = 60;
    const members = 9_000;
    const text = [
      'struct deep {',
      ...Array.from({ length: depth }, () => 'struct {'),
      ...Array.from({ length: members }, (_, k) => `int m${k};`),
      ...Array.from({ length: depth }, () => '};'),
      '};',
      '',
    ].join('\n');
    const wide = join(dir, 'deep.h');
    writeFileSync(wide, text);
    const result = importCHeader(text, 'deep.h');
    const right = probeLayouts(cc, wide, [], [], result.structs);
    assert.equal(right.failure, undefined);
    assert.deepEqual([...right.differences], []);
    // A wrong offset on the last member, the last line printed, is still found.
    const wrong = result.structs.map((s) => structuredClone(s));
    const innermost = wrong.find((s) => s.cMembers.length === members)!;
    innermost.cMembers[members - 1] = { ...innermost.cMembers[members - 1]!, bit: 0 };
    const probe = probeLayouts(cc, wide, [], [], wrong);
    assert.equal(probe.failure, undefined);
    assert.match(
      probe.differences.get('struct deep') ?? '',
      new RegExp(`puts m${members - 1} at offset ${4 * (members - 1)}, the importer at 0`),
    );
  });

  it("checks a header that uses the names the importer knows without including their headers (as git's strbuf.h does)", function () {
    // Before, the check could not be compiled ("unknown type name 'uint32_t'"), and nothing was compared.
    const cc = compilerOrSkip(this);
    const text =
      'struct uses_known { uint32_t id; bool live; size_t count; ssize_t delta; char16_t unit; uintmax_t big; };\nvoid take(va_list *args);\n';
    const file = join(dir, 'known.h');
    writeFileSync(file, text);
    const structs = importCHeader(text, 'known.h').structs;
    const right = probeLayouts(cc, file, [], [], structs);
    assert.equal(right.failure, undefined);
    assert.deepEqual([...right.differences], []);
    const wrong = structs.map((s) => structuredClone(s));
    wrong[0]!.cMembers[2] = { ...wrong[0]!.cMembers[2]!, bit: 0 };
    assert.match(probeLayouts(cc, file, [], [], wrong).differences.get('struct uses_known') ?? '', /puts count at offset 8/);
  });
});
