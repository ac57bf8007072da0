import test from 'ava';
import { keywordIntent } from '../src/opt-out/keywords.js';

test('standard opt-out, opt-in and help keywords are recognised whatever their case and spacing', (t) => {
  for (const body of ['STOP', 'stop', ' Stop ', 'STOP.', 'unsubscribe', 'Cancel', 'END', 'quit', 'STOPALL']) {
    t.is(keywordIntent(body), 'opt_out', body);
  }
  for (const body of ['START', 'yes', 'Unstop']) t.is(keywordIntent(body), 'opt_in', body);
  for (const body of ['HELP', 'info']) t.is(keywordIntent(body), 'help', body);
});

test('a keyword inside a sentence is ordinary text', (t) => {
  for (const body of ['Stop sending me ads', 'please stop', 'STOP IT', 'yes please', '', 'S T O P']) {
    t.is(keywordIntent(body), null, body);
  }
});
