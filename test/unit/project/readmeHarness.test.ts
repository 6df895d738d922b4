/**
 * The README's first harness is what a stranger copies first, and the sentences around it quote
 * figures of that very harness: its struct's size and the error an out-of-bounds write through it
 * prints. Both are checked against a run of the harness as the README shows it. Before, the README
 * said 56 bytes (the seed's student_t, which has three more fields) where its own struct has 48.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { lmm } from '../../support/lmmCli';

const readme = readFileSync(resolve(__dirname, '..', '..', '..', 'README.md'), 'utf8');

/** The first ```ts block after a heading, as the README shows it. */
function harnessAfter(heading: string): string {
  const section = readme.slice(readme.indexOf(heading));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(block, `a ts block after ${heading}`);
  return block[1]!;
}

describe("the README's first harness does what the README says of it", function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'lmm-readme-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the README's harness, with `added` as main's last line, saved as demo.lmm.ts. */
  async function runReadmeHarness(added: string): Promise<string> {
    const source = harnessAfter('## A harness');
    const end = source.lastIndexOf('}');
    const file = join(dir, 'demo.lmm.ts');
    writeFileSync(file, source.slice(0, end) + (added ? `  ${added}\n` : '') + source.slice(end));
    const result = await lmm('run', file);
    assert.equal(result.status, 0, result.stderr);
    // The README names the file as a user in its folder would type it.
    return result.stdout.split(`${dir}/`).join('');
  }

  it("the struct's size is the one the README gives", async () => {
    const claimed = /this `student_t` is (\d+) bytes/.exec(readme);
    assert.ok(claimed, 'the README gives the size of its student_t');
    const output = await runReadmeHarness('');
    assert.match(output, new RegExp(`vm_page_family : student_t, struct size = ${claimed[1]}\\n`));
  });

  it('the out-of-bounds write the README quotes prints exactly that message', async () => {
    const claim =
      /`(s\[1\]\.rollno = 7)` added to the harness above \(saved as `demo\.lmm\.ts`\) is\s+``([^`]+(?:`[^`]+`[^`]+)*)``/.exec(
        readme,
      );
    assert.ok(claim, 'the README quotes an error of its harness');
    const message = claim[2]!.replace(/\s*\n\s*/g, ' ');
    const output = await runReadmeHarness(`${claim[1]};`);
    assert.ok(output.includes(`out-of-bounds: ${message}\n`), `${message}\nnot in:\n${output}`);
  });

  it("`npm run demo`'s figures in the README are the seed program's own", async () => {
    const peak = /massif-style: ([\d,]+) bytes of application memory at step (\d+)/.exec(readme);
    const strands = /`student_t` strands (\d+) bytes in every page/.exec(readme);
    const demo = /`npm run demo` is `lmm run ([^`]+)`/.exec(readme);
    assert.ok(peak && strands && demo, 'the README gives the demo, its peak and its hint');
    const result = await lmm('run', resolve(__dirname, '..', '..', '..', demo[1]!));
    assert.equal(result.status, 0, result.stderr);
    assert.ok(result.stdout.includes(`PEAK: ${peak[1]} bytes of application memory at step ${peak[2]}\n`), result.stdout);
    assert.match(
      result.stdout,
      new RegExp(
        `student_t \\(56 bytes \\+ 48 of meta data\\) fits \\d+ per 4096-byte page, stranding ${strands[1]} bytes in every page`,
      ),
    );
  });
});
