import { strict as assert } from 'node:assert';
import { fileErrorWords } from '../../../src/protocol/fileErrorWords';

describe('file errors in words', () => {
  it('says what the system refused in words for the codes a user meets, and gives any other error its own message', () => {
    const error = (code: string, message = `${code}: something, open '/x'`) => Object.assign(new Error(message), { code });
    assert.equal(fileErrorWords(error('ENOENT')), 'no such file');
    assert.equal(fileErrorWords(error('EISDIR')), 'a directory, not a file');
    assert.equal(fileErrorWords(error('EACCES')), 'permission denied');
    assert.equal(fileErrorWords(error('EMFILE', 'EMFILE: too many open files')), 'EMFILE: too many open files');
  });

  it('is not fooled by a code that names an object property, nor by what is not an Error', () => {
    assert.equal(fileErrorWords(Object.assign(new Error('odd'), { code: 'constructor' })), 'odd');
    assert.equal(fileErrorWords(Object.assign(new Error('odd'), { code: 42 })), 'odd');
    assert.equal(fileErrorWords('plain text'), 'plain text');
    assert.equal(fileErrorWords(null), 'null');
    assert.equal(fileErrorWords(undefined), 'undefined');
  });
});
