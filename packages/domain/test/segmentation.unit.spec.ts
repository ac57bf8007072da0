import assert from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import { segmentText, splitText, textLimitFor } from '../src/index.js';

const repeat = (char: string, times: number) => char.repeat(times);

test('GSM-7 text: 160 characters fit one part, 161 need two, 306 two and 307 three', (t) => {
  t.deepEqual(segmentText(repeat('a', 160)), {
    encoding: 'GSM-7',
    parts: 1,
    characters: 160,
    units: 160,
    unitsPerPart: 160,
  });
  t.deepEqual(segmentText(repeat('a', 161)), {
    encoding: 'GSM-7',
    parts: 2,
    characters: 161,
    units: 161,
    unitsPerPart: 153,
  });
  t.is(segmentText(repeat('a', 306)).parts, 2);
  t.is(segmentText(repeat('a', 307)).parts, 3);
});

test('UCS-2 text: 70 characters fit one part, 71 need two of 67, 134 two and 135 three', (t) => {
  t.deepEqual(segmentText(repeat('你', 70)), {
    encoding: 'UCS-2',
    parts: 1,
    characters: 70,
    units: 70,
    unitsPerPart: 70,
  });
  t.deepEqual(segmentText(repeat('你', 71)), {
    encoding: 'UCS-2',
    parts: 2,
    characters: 71,
    units: 71,
    unitsPerPart: 67,
  });
  t.is(segmentText(repeat('你', 134)).parts, 2);
  t.is(segmentText(repeat('你', 135)).parts, 3);
});

test('one character outside GSM-7 turns the whole text into UCS-2', (t) => {
  const text = `${repeat('a', 100)}ç`;
  t.like(segmentText(text), { encoding: 'UCS-2', parts: 2, characters: 101, units: 101, unitsPerPart: 67 });
  t.is(segmentText('price in `backticks`').encoding, 'UCS-2');
});

test('the accented letters, Greek capitals and symbols of the GSM-7 basic table cost one septet', (t) => {
  const basic = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&\'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà';
  t.like(segmentText(basic), { encoding: 'GSM-7', units: [...basic].length });
});

test('an emoji is one character of two UCS-2 units', (t) => {
  t.like(segmentText('Hi 😀'), { encoding: 'UCS-2', characters: 4, units: 5, parts: 1 });
  t.like(segmentText(repeat('😀', 35)), { units: 70, parts: 1 });
  t.like(segmentText(repeat('😀', 36)), { units: 72, parts: 2 });
});

test('extension characters (€ ^ { } \\ [ ] ~ | and form feed) cost two septets', (t) => {
  for (const char of ['€', '^', '{', '}', '\\', '[', ']', '~', '|', '\f']) {
    t.like(segmentText(char), { encoding: 'GSM-7', characters: 1, units: 2 }, JSON.stringify(char));
  }
  t.like(segmentText(repeat('€', 80)), { units: 160, parts: 1 });
  t.like(segmentText(repeat('€', 81)), { units: 162, parts: 2 });
});

test('an escape pair that would straddle two parts moves whole to the next, which can cost a part', (t) => {
  // 306 septets would fill two parts exactly if the € could be split after its escape.
  const text = `${repeat('a', 152)}€${repeat('a', 152)}`;
  t.like(segmentText(text), { encoding: 'GSM-7', units: 306, parts: 3 });
  t.deepEqual(splitText(text), [repeat('a', 152), `€${repeat('a', 151)}`, 'a']);
});

test('a surrogate pair that would straddle two parts moves whole to the next, which can cost a part', (t) => {
  const text = `${repeat('你', 66)}😀${repeat('你', 66)}`;
  t.like(segmentText(text), { encoding: 'UCS-2', units: 134, parts: 3 });
  t.deepEqual(splitText(text), [repeat('你', 66), `😀${repeat('你', 65)}`, '你']);
});

test('an empty text is one part of nothing', (t) => {
  t.deepEqual(segmentText(''), { encoding: 'GSM-7', parts: 1, characters: 0, units: 0, unitsPerPart: 160 });
  t.deepEqual(splitText(''), ['']);
});

test('channel text limits', (t) => {
  t.is(textLimitFor('sms'), 1600);
  t.is(textLimitFor('whatsapp'), 4096);
  t.is(textLimitFor('telegram'), 4096);
});

// --- properties -------------------------------------------------------------------------------

const GSM_SAMPLE = [...'aZ09 @£\nΔ_ÄäÇ!?', ...'€^{}\\[~]|\f'];
const OTHER_SAMPLE = ['你', 'ç', '`', '😀', '🇫🇷', '\u0301'];
const gsmText = fc.array(fc.constantFrom(...GSM_SAMPLE), { maxLength: 700 }).map((chars) => chars.join(''));
const anyText = fc
  .array(fc.oneof(fc.constantFrom(...GSM_SAMPLE), fc.constantFrom(...OTHER_SAMPLE)), { maxLength: 400 })
  .map((chars) => chars.join(''));

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

test('for GSM-7 text, a longer text never needs fewer parts', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(gsmText, fc.nat(), (text, cut) => {
        const chars = [...text];
        const prefix = chars.slice(0, cut % (chars.length + 1)).join('');
        assert.ok(segmentText(prefix).parts <= segmentText(text).parts);
      }),
      { numRuns: 500 },
    ),
  );
});

test('splitting never breaks an escape or a surrogate pair, and the parts are what segmentText counts', (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(fc.oneof(gsmText, anyText), (text) => {
        const segmentation = segmentText(text);
        const parts = splitText(text);
        assert.equal(parts.join(''), text);
        assert.equal(parts.length, segmentation.parts);
        assert.ok(segmentation.parts >= Math.ceil(segmentation.units / segmentation.unitsPerPart));
        for (const part of parts) {
          assert.ok(!LONE_SURROGATE.test(part), 'a surrogate pair was split');
          // In GSM-7 a part's septets include whole escape pairs only: each part fits on its own.
          const units = segmentation.encoding === 'GSM-7' ? segmentText(part).units : part.length;
          assert.ok(units <= segmentation.unitsPerPart, `${units} > ${segmentation.unitsPerPart}`);
        }
      }),
      { numRuns: 500 },
    ),
  );
});
