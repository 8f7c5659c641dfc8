import { expect } from '@open-wc/testing';
import { countCharacters, validateRequest } from '../src/contract.js';

describe('counting characters as a reader sees them', () => {
  it('counts plain text by its letters, a line break as one', () => {
    expect(countCharacters('')).to.equal(0);
    expect(countCharacters('Hello, world!')).to.equal(13);
    expect(countCharacters('line one\nline two')).to.equal(17);
    expect(countCharacters('a\r\nb')).to.equal(3);
  });

  it('counts an emoji as one, with skin tone or as a ZWJ family', () => {
    expect(countCharacters('👍')).to.equal(1);
    expect(countCharacters('👍🏽')).to.equal(1);
    expect(countCharacters('👨‍👩‍👧‍👦')).to.equal(1);
    expect(countCharacters('🇮🇳')).to.equal(1);
    expect(countCharacters('Great 👍🏽!')).to.equal(8);
  });

  it('counts a letter with combining accents as one', () => {
    expect(countCharacters('e\u0301')).to.equal(1);
    expect(countCharacters('cafe\u0301')).to.equal(4);
  });

  it('counts Indic syllables as the reader sees them', () => {
    // क्षि: क + virama + ष + vowel sign i, one conjunct syllable
    expect(countCharacters('क्षि')).to.equal(1);
    expect(countCharacters('नमस्ते')).to.equal(3);
    // Unicode 15.1 joins conjuncts across a virama only in some scripts; Kannada's is not yet one of them, so
    // ಕನ್ನಡ is ಕ, ನ್, ನ, ಡ. What matters is that browser and server agree: both follow UAX #29.
    expect(countCharacters('ಕನ್ನಡ')).to.equal(4);
    expect(countCharacters('ಕನ್ನಡ')).to.equal([...new Intl.Segmenter('kn', { granularity: 'grapheme' }).segment('ಕನ್ನಡ')].length);
  });
});

describe('counting long text', () => {
  it('counts exactly as one pass of Intl.Segmenter does, window after window', () => {
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    const pieces = ['ಕನ್ನಡ', ' ', '👍🏽', '👨‍👩‍👧‍👦', '🇮🇳', 'e\u0301\u0302', 'क्षि', '\r\n', 'a', '\ud83d', '각'];
    let text = '';
    for (let i = 0; text.length < 50_000; i++) text += pieces[(i * 7919) % pieces.length];
    expect(countCharacters(text)).to.equal([...segmenter.segment(text)].length);
    const marks = `a${'\u0301'.repeat(10_000)}b`;
    expect(countCharacters(marks)).to.equal(2);
  });
});

describe('validating a request', () => {
  const valid = {
    articleId: 'nato-russia',
    articleUrl: 'https://news.example/nato',
    title: 'NATO ready for dialogue',
    comment: 'Well reported.',
    name: 'Asha',
    email: 'asha@example.com',
  };

  it('accepts a complete request', () => {
    expect(validateRequest(valid)).to.deep.equal({});
  });

  it('names the first problem of each field', () => {
    expect(validateRequest({ ...valid, title: ' ', name: '', email: 'asha' })).to.deep.equal({
      title: 'titleRequired',
      name: 'nameRequired',
      email: 'emailInvalid',
    });
    expect(validateRequest({ ...valid, email: '' }).email).to.equal('emailRequired');
  });

  it('measures limits in characters, not code units', () => {
    expect(validateRequest({ ...valid, comment: '👍🏽'.repeat(10) }, 10)).to.deep.equal({});
    expect(validateRequest({ ...valid, comment: '👍🏽'.repeat(11) }, 10).comment).to.equal('commentTooLong');
    expect(validateRequest({ ...valid, title: 'x'.repeat(201) }).title).to.equal('titleTooLong');
    expect(validateRequest({ ...valid, name: 'x'.repeat(101) }).name).to.equal('nameTooLong');
  });

  it('rejects what is not a string', () => {
    expect(validateRequest({ ...valid, comment: 42 }).comment).to.equal('commentRequired');
    expect(Object.keys(validateRequest({}))).to.include.members(['title', 'comment', 'name', 'email']);
  });
});
