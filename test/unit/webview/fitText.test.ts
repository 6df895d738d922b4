import { strict as assert } from 'node:assert';
import { ellipsize, fitText } from '../../../webview-ui/src/fitText';

/** A monospace stand-in for canvas measureText: 7 pixels a character. */
const measure = (text: string) => text.length * 7;

describe('fitText (canvas labels kept to their own width)', () => {
  const wordings = ['Application memory: 16.1 KiB (max 16.1 KiB)', 'App memory: 16.1 KiB (max 16.1 KiB)', 'App memory: 16.1 KiB'];

  it('keeps the full wording when it fits', () => {
    assert.equal(fitText(measure, wordings, 44 * 7), wordings[0]);
  });

  it('takes the first shorter wording that fits', () => {
    assert.equal(fitText(measure, wordings, 40 * 7), wordings[1]);
    assert.equal(fitText(measure, wordings, 25 * 7), wordings[2]);
  });

  it('cuts the last wording with an ellipsis when none fits, never wider than the room', () => {
    const text = fitText(measure, wordings, 10 * 7);
    assert.equal(text, 'App memor…');
    assert.ok(measure(text) <= 10 * 7);
    assert.equal(ellipsize(measure, 'abc', 0), '');
    assert.equal(fitText(measure, [], 100), '');
  });

  it('every cut fits, for every width', () => {
    for (let room = 0; room < 50 * 7; room += 3) assert.ok(measure(fitText(measure, wordings, room)) <= room);
  });
});
