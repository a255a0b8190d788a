import { BadInputError } from '../domain/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A malformed ID is bad input, not a missing thing. */
export function parseUuid(value: string, field: string): string {
  if (!UUID.test(value)) throw new BadInputError(`"${value}" is not a valid ${field}`, { field });
  return value.toLowerCase();
}

export function parsePositiveId(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) throw new BadInputError(`${field} must be a positive integer`, { field });
  return value;
}
