/** What an inbound message asks for, when it is one of the standard carrier keywords. */
export type KeywordIntent = 'opt_out' | 'opt_in' | 'help';

// The keywords US carriers and Twilio's Advanced Opt-Out honour by default; matching is on the
// whole message, trimmed and case-insensitive, so "Stop sending me ads" is not an opt-out.
const INTENTS: Readonly<Record<string, KeywordIntent>> = {
  STOP: 'opt_out',
  STOPALL: 'opt_out',
  UNSUBSCRIBE: 'opt_out',
  CANCEL: 'opt_out',
  END: 'opt_out',
  QUIT: 'opt_out',
  OPTOUT: 'opt_out',
  REVOKE: 'opt_out',
  START: 'opt_in',
  YES: 'opt_in',
  UNSTOP: 'opt_in',
  HELP: 'help',
  INFO: 'help',
};

/** The intent of an inbound message body, or null when it is ordinary text. */
export function keywordIntent(body: string): KeywordIntent | null {
  const word = body
    .trim()
    .replace(/[.!]+$/, '')
    .toUpperCase();
  return INTENTS[word] ?? null;
}
