import { createHash } from 'node:crypto';

/** A Bot API `Chat`, as much of it as sendMessage answers with. */
export interface SimulatedChat {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  title?: string;
  username?: string;
  first_name?: string;
}

/**
 * The chat a chat id names. Telegram's conventions: users are positive, basic groups negative,
 * supergroups and channels -100...; an @username resolves to a channel with a stable id.
 */
export function chatFor(chatId: number | string): SimulatedChat {
  if (typeof chatId === 'string') {
    const username = chatId.slice(1);
    const digits =
      BigInt(`0x${createHash('sha256').update(username.toLowerCase()).digest('hex').slice(0, 12)}`) %
      10_000_000_000n;
    return { id: -Number(1_000_000_000_000n + digits), type: 'channel', title: username, username };
  }
  if (chatId > 0) return { id: chatId, type: 'private', first_name: 'Simulated user' };
  if (chatId <= -1_000_000_000_000) return { id: chatId, type: 'supergroup', title: 'Simulated supergroup' };
  return { id: chatId, type: 'group', title: 'Simulated group' };
}

/** Message ids count up per chat, as Telegram's do; the oldest chats are forgotten beyond a bound. */
export class MessageIds {
  readonly #last = new Map<number, number>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  next(chatId: number): number {
    const id = (this.#last.get(chatId) ?? 0) + 1;
    this.#last.delete(chatId);
    this.#last.set(chatId, id);
    if (this.#last.size > this.#capacity) {
      const oldest = this.#last.keys().next();
      if (oldest.done !== true) this.#last.delete(oldest.value);
    }
    return id;
  }
}
