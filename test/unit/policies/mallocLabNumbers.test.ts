/**
 * A number too large for the replayer is named as the trace writes it. Before, 400 nines were
 * "Infinity bytes" and 99999999999999999999 was "100000000000000000000 bytes".
 */
import { strict as assert } from 'node:assert';
import { MallocLabSyntaxError, parseMallocLabTrace } from '../../../src/policies/mallocLabTrace';

function reasonOf(text: string): string {
  try {
    parseMallocLabTrace('t.rep', text);
  } catch (error) {
    assert.ok(error instanceof MallocLabSyntaxError);
    return `${error.line}: ${error.reason}`;
  }
  return assert.fail('expected a syntax error');
}

describe('malloc-lab trace parser: numbers too large', () => {
  it('a byte count is shown as written (cut after 60 digits), never as Infinity or rounded', () => {
    assert.equal(
      reasonOf('100\n1\n1\n1\na 0 99999999999999999999\n'),
      '5: 99999999999999999999 bytes is more than this replayer takes',
    );
    const nines = '9'.repeat(400);
    assert.equal(reasonOf(`100\n1\n1\n1\na 0 ${nines}\n`), `5: ${'9'.repeat(60)}… bytes is more than this replayer takes`);
  });

  it('an id is shown as written', () => {
    assert.equal(reasonOf(`100\n2\n1\n1\na ${'9'.repeat(400)} 8\n`), `5: id ${'9'.repeat(60)}… is not below the header's 2 ids`);
    assert.equal(reasonOf('100\n2\n1\n1\na 5 8\n'), "5: id 5 is not below the header's 2 ids");
  });
});
