import test from 'ava';
import { countSegments } from '../src/twilio/segments.js';

const CASES: ReadonlyArray<[string, string, number]> = [
  ['160 GSM-7 characters', 'a'.repeat(160), 1],
  ['161 GSM-7 characters', 'a'.repeat(161), 2],
  ['306 GSM-7 characters', 'a'.repeat(306), 2],
  ['307 GSM-7 characters', 'a'.repeat(307), 3],
  ['80 extension characters (two septets each)', '€'.repeat(80), 1],
  ['81 extension characters', '€'.repeat(81), 2],
  ['70 UCS-2 characters', 'ж'.repeat(70), 1],
  ['71 UCS-2 characters', 'ж'.repeat(71), 2],
  ['35 emoji (70 UTF-16 code units)', '😀'.repeat(35), 1],
  ['one non-GSM character among GSM ones', `${'a'.repeat(69)}ж`, 1],
  ['a non-GSM character forcing UCS-2 at 71', `${'a'.repeat(70)}ж`, 2],
];

for (const [what, body, segments] of CASES) {
  test(`${what} make ${segments} segment(s)`, (t) => {
    t.is(countSegments(body), segments);
  });
}
