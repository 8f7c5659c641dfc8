import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_CHARACTER_UNITS, countCharacters, hasOverlongCharacter } from '../../src/contract.js';

describe('measuring characters, as the server does it for the contract', () => {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const pile = (marks: number) => `e${'\u0301'.repeat(marks)}`;

  it('finds a piled character wherever the counting windows cut the text, and only then', () => {
    for (const offset of [0, 1, 4000, 4080, 4090, 4095, 4096, 8180, 8191]) {
      for (const marks of [MAX_CHARACTER_UNITS - 1, MAX_CHARACTER_UNITS]) {
        // Mixed text so that it takes the segmenter's path, with the pile starting at `offset`.
        const text = `${'é'.repeat(offset)}${pile(marks)}${'ü'.repeat(9000 - offset)}`;
        assert.equal(hasOverlongCharacter(text), marks + 1 > MAX_CHARACTER_UNITS, `${marks} marks at ${offset}`);
        assert.equal(countCharacters(text), [...segmenter.segment(text)].length);
      }
    }
  });

  it('measures emoji in code units, two for each astral code point', () => {
    // A ZWJ chain of 21 emoji and 20 joiners is 62 code units in one character; of 22 and 21, 65.
    const chain = (emoji: number) => Array.from({ length: emoji }, () => '\u{1F9D1}').join('\u200d');
    assert.equal(hasOverlongCharacter(`${chain(21)} x`), false);
    assert.equal(hasOverlongCharacter(`${chain(22)} x`), true);
  });
});
