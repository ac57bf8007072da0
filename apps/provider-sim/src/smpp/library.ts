import { createRequire } from 'node:module';
import type { SmppLibrary } from '@herald/transports';

/** The `smpp` package, typed with the declarations Herald's transports keep for it. */
export const smpp: SmppLibrary = createRequire(import.meta.url)('smpp') as SmppLibrary;
