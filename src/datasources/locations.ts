import { nullOn404, SiblingDataSource } from './sibling-data-source';

export interface Location {
  id: number;
  name: string;
  description: string;
  address: string;
  userId: number;
}

interface LocationAnswer {
  id?: unknown;
  name?: unknown;
  description?: unknown;
  address?: unknown;
  user_id?: unknown;
}

/** The locations service: who owns a location (SIBLINGS.md). */
export class LocationsClient extends SiblingDataSource {
  readonly service = 'locations';

  /** The location, or null when the service does not know it. */
  location(locationId: number): Promise<Location | null> {
    return this.call(
      () => this.get<LocationAnswer | null>(`locations/get/${locationId}/`),
      (answer): Location | null => this.toLocation(answer),
      [nullOn404('location_not_found')],
    );
  }

  ownedBy(userId: number): Promise<Location[]> {
    return this.call(
      () => this.get<(LocationAnswer | null)[] | null>('locations/find/', { params: { user_id: String(userId) } }),
      (answer) => {
        if (!Array.isArray(answer)) this.unexpected('location list');
        return answer.map((location) => this.toLocation(location)).filter((location) => location.userId === userId);
      },
    );
  }

  private toLocation(answer: LocationAnswer | null): Location {
    const { id, name, description = null, address = null, user_id: userId } = answer ?? {};
    if (!Number.isInteger(id) || !Number.isInteger(userId) || typeof name !== 'string') this.unexpected('location');
    if (!isTextOrNull(description) || !isTextOrNull(address)) this.unexpected('location');
    return { id: id as number, name, description: description ?? '', address: address ?? '', userId: userId as number };
  }
}

function isTextOrNull(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}
