import type { Channel } from '../message/message.js';
import { gsmSeptets } from './gsm7.js';

/** How an SMS body is encoded on the air interface. */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** How a text travels as SMS: its encoding and how many parts (segments) it is billed as. */
export interface Segmentation {
  readonly encoding: SmsEncoding;
  /** Parts the carrier bills; at least 1, an empty text still being one message. */
  readonly parts: number;
  /** Unicode code points in the text. */
  readonly characters: number;
  /** Septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2. */
  readonly units: number;
  /** Capacity of each part: the single-part limit when parts is 1, else the concatenated one. */
  readonly unitsPerPart: number;
}

// A concatenated part gives 7 septets (GSM-7) or 3 UCS-2 units to its user data header.
const CAPACITY: Readonly<Record<SmsEncoding, { readonly single: number; readonly concatenated: number }>> = {
  'GSM-7': { single: 160, concatenated: 153 },
  'UCS-2': { single: 70, concatenated: 67 },
};

interface Layout {
  readonly encoding: SmsEncoding;
  readonly chars: readonly string[];
  /** Units of each entry of `chars`, which are indivisible: a part never splits one. */
  readonly costs: readonly number[];
  readonly units: number;
}

function layout(text: string): Layout {
  const chars = [...text];
  const septets = chars.map(gsmSeptets);
  const gsm = septets.every((cost) => cost !== null);
  // A surrogate pair is one code point of length 2, so it stays whole like an escape pair does.
  const costs = gsm ? septets.map((cost) => cost ?? 0) : chars.map((char) => char.length);
  const units = costs.reduce((sum, cost) => sum + cost, 0);
  return { encoding: gsm ? 'GSM-7' : 'UCS-2', chars, costs, units };
}

// Greedy packing: a character that does not fit in what is left of a part starts the next one,
// leaving the gap unused, as handsets and carriers do.
function partStarts(costs: readonly number[], capacity: number): number[] {
  const starts = [0];
  let used = 0;
  for (const [index, cost] of costs.entries()) {
    if (used + cost > capacity) {
      starts.push(index);
      used = 0;
    }
    used += cost;
  }
  return starts;
}

function fitsOnePart(shape: Layout): boolean {
  return shape.units <= CAPACITY[shape.encoding].single;
}

/** Encoding, parts and sizes of a text sent as SMS (Twilio's segment calculator gives the same). */
export function segmentText(text: string): Segmentation {
  const shape = layout(text);
  const { single, concatenated } = CAPACITY[shape.encoding];
  const base = { encoding: shape.encoding, characters: shape.chars.length, units: shape.units };
  if (fitsOnePart(shape)) return { ...base, parts: 1, unitsPerPart: single };
  return { ...base, parts: partStarts(shape.costs, concatenated).length, unitsPerPart: concatenated };
}

/** The text of each SMS part, in order; joined they give back the text. */
export function splitText(text: string): string[] {
  const shape = layout(text);
  if (fitsOnePart(shape)) return [text];
  const starts = partStarts(shape.costs, CAPACITY[shape.encoding].concatenated);
  return starts.map((start, index) => shape.chars.slice(start, starts[index + 1]).join(''));
}

/** Most characters (UTF-16 code units, `text.length`) a message body may have on each channel. */
export const TEXT_LIMITS: Readonly<Record<Channel, number>> = { sms: 1600, whatsapp: 4096, telegram: 4096 };

/**
 * Most characters a message body may have on `channel`, counted as UTF-16 code units (`text.length`):
 * never fewer than code points, so a body within it is within every provider's own count.
 */
export function textLimitFor(channel: Channel): number {
  return TEXT_LIMITS[channel];
}
