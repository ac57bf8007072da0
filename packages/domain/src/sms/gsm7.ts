// The GSM 03.38 default alphabet (3GPP TS 23.038), as the characters a handset shows. The escape
// code 0x1B is not listed: it is never typed, it only prefixes the extension table.
const BASIC_TABLE =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

// Characters of the extension table: each is sent as ESC plus one septet, so it costs two.
const EXTENSION_TABLE = '\f^{}\\[~]|€';

const BASIC = new Set(BASIC_TABLE);
const EXTENSION = new Set(EXTENSION_TABLE);

/**
 * Septets one character takes in GSM-7: 1 in the basic table, 2 in the extension table, null when
 * GSM-7 cannot carry it at all. `char` is one code point.
 */
export function gsmSeptets(char: string): 1 | 2 | null {
  if (BASIC.has(char)) return 1;
  if (EXTENSION.has(char)) return 2;
  return null;
}
