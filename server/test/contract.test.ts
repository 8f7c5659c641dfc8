import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_CHARACTER_CODE_POINTS, countCharacters, hasOverlongCharacter } from '../../src/contract.js';

describe('measuring characters, as the server does it for the contract', () => {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const pile = (marks: number) => `e${'\u0301'.repeat(marks)}`;

  it('finds a piled character wherever the counting windows cut the text, and only then', () => {
    for (const offset of [0, 1, 4000, 4080, 4090, 4095, 4096, 8180, 8191]) {
      for (const marks of [MAX_CHARACTER_CODE_POINTS - 1, MAX_CHARACTER_CODE_POINTS]) {
        // Mixed text so that it takes the segmenter's path, with the pile starting at `offset`.
        const text = `${'é'.repeat(offset)}${pile(marks)}${'ü'.repeat(9000 - offset)}`;
        assert.equal(hasOverlongCharacter(text), marks + 1 > MAX_CHARACTER_CODE_POINTS, `${marks} marks at ${offset}`);
        assert.equal(countCharacters(text), [...segmenter.segment(text)].length);
      }
    }
  });

  it('counts astral code points once', () => {
    // A ZWJ chain of 11 emoji and 10 joiners is 21 code points (42 code units) in one character; of 17, 33.
    const chain = Array.from({ length: 11 }, () => '\u{1F9D1}').join('\u200d');
    assert.equal(hasOverlongCharacter(`${chain} x`), false);
    const longChain = Array.from({ length: 17 }, () => '\u{1F9D1}').join('\u200d');
    assert.equal(hasOverlongCharacter(`${longChain} x`), true);
  });
});
