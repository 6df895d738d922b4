import assert from 'node:assert/strict';
import { isHarnessDocument, notOnDiskReason } from '../../../src/extension/model/harnessOnDisk';

describe('notOnDiskReason: which harness documents a run can compile from their file', () => {
  it('runs a file on disk', () => {
    assert.equal(notOnDiskReason('file', 'list.lmm.ts'), undefined);
  });

  it('asks for an untitled harness to be saved, naming it', () => {
    const reason = notOnDiskReason('untitled', 'Untitled-1');
    assert.ok(reason, 'an untitled document is refused');
    assert.match(reason, /^LMM: save Untitled-1 before running it/);
  });

  for (const scheme of ['vscode-vfs', 'vscode-remote', 'git', 'output', 'FILE'])
    it(`refuses a ${scheme} document, naming its scheme`, () => {
      const reason = notOnDiskReason(scheme, 'list.lmm.ts');
      assert.ok(reason, `${scheme} is not this machine's disk`);
      assert.ok(reason.includes(`"${scheme}"`), reason);
      assert.match(reason, /^LMM: list\.lmm\.ts is not a file on this machine's disk/);
    });
});

describe('isHarnessDocument: an untitled TypeScript editor importing lmm-studio is a harness', () => {
  const harnessText = "import { XCALLOC } from 'lmm-studio';\n";
  const doc = (fileName: string, isUntitled: boolean, languageId: string, text: string) => ({
    fileName,
    isUntitled,
    languageId,
    getText: () => text,
  });

  it('takes an untitled TypeScript editor that imports lmm-studio', () => {
    assert.equal(isHarnessDocument(doc('Untitled-1', true, 'typescript', harnessText)), true);
  });

  it('not an untitled editor of another language, nor one without the import', () => {
    assert.equal(isHarnessDocument(doc('Untitled-1', true, 'plaintext', harnessText)), false);
    assert.equal(isHarnessDocument(doc('Untitled-1', true, 'typescript', 'const x = 1;\n')), false);
  });

  it('a saved file goes by its name as before (a .c file importing lmm-studio is none)', () => {
    assert.equal(isHarnessDocument(doc('/w/list.lmm.ts', false, 'typescript', '')), true);
    assert.equal(isHarnessDocument(doc('/w/list.c', false, 'c', harnessText)), false);
    assert.equal(isHarnessDocument(doc('/w/Untitled-1', false, 'typescript', harnessText)), false);
  });
});
