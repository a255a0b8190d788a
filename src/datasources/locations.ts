import { SiblingDataSource, SiblingRejection } from './sibling-data-source';

export interface Location {
  id: number;
  name: string;
  description: string;
  address: string;
  userId: number;
}

interface LocationAnswer {
  id: number;
  name: string;
  description: string;
  address: string;
  user_id: number;
}

/** The locations service: who owns a location (SIBLINGS.md). */
export class LocationsClient extends SiblingDataSource {
  readonly service = 'locations';

  /** The location, or null when the service does not know it. */
  async location(locationId: number): Promise<Location | null> {
    try {
      return this.toLocation(await this.call(() => this.get<LocationAnswer>(`locations/get/${locationId}/`)));
    } catch (error) {
      if (error instanceof SiblingRejection && error.status === 404) return null;
      if (error instanceof SiblingRejection) this.unexpected(`refusal (${error.reason})`);
      throw error;
    }
  }

  async ownedBy(userId: number): Promise<Location[]> {
    const answer = await this.call(() =>
      this.get<LocationAnswer[]>('locations/find/', { params: { user_id: String(userId) } }),
    );
    if (!Array.isArray(answer)) this.unexpected('location list');
    return answer.map((location) => this.toLocation(location)).filter((location) => location.userId === userId);
  }

  private toLocation(answer: LocationAnswer): Location {
    if (!Number.isInteger(answer?.id) || !Number.isInteger(answer.user_id)) this.unexpected('location');
    const { id, name, description, address, user_id: userId } = answer;
    return { id, name, description: description ?? '', address: address ?? '', userId };
  }
}
