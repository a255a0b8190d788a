import { BadInputError } from './errors';
import { characterCount, storable } from './text';

const MAX_IDEMPOTENCY_KEY_LENGTH = 100;

/** A client's key for one write it may send again (an order, an opened session), as it is stored. */
export function validIdempotencyKey(key: string): string {
  if (key.length === 0 || characterCount(key) > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new BadInputError(`An idempotency key has 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`, { field: 'idempotencyKey' });
  }
  if (!storable(key)) throw new BadInputError('An idempotency key must be Unicode text without NUL characters', { field: 'idempotencyKey' });
  // Blank is what a client sends when it forgot to make one; taken as a key, it would merge unrelated writes.
  if (key.trim() === '') throw new BadInputError('An idempotency key cannot be only white space', { field: 'idempotencyKey' });
  return key;
}
