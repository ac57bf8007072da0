// GSM 03.38 basic set, and the extension table whose characters take two septets.
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '\f^{}\\[~]|€';
const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

/**
 * How many SMS segments Twilio would bill for this body: GSM-7 when every character fits
 * (160 per single part, 153 per concatenated part), otherwise UCS-2 (70, then 67).
 */
export function countSegments(body: string): number {
  const septets = gsmSeptets(body);
  if (septets !== null) return septets <= 160 ? 1 : Math.ceil(septets / 153);
  // UCS-2 counts UTF-16 code units, so an emoji takes two.
  return body.length <= 70 ? 1 : Math.ceil(body.length / 67);
}

function gsmSeptets(body: string): number | null {
  let septets = 0;
  for (const char of body) {
    if (BASIC.has(char)) septets += 1;
    else if (EXTENDED.has(char)) septets += 2;
    else return null;
  }
  return septets;
}
