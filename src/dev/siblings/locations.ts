import { Router } from 'express';
import { hasNamed, type DemoData } from './demo-data';

const MAX_FOUND_LOCATIONS = 100;

/** The first value of a query parameter; an absent or empty one filters nothing. */
function queryText(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first !== '' ? first : undefined;
}

export function locationsRouter(data: DemoData): Router {
  const router = Router({ strict: true });

  router.get('/get/:locationId/', (req, res) => {
    const location = data.locations.find((l) => String(l.id) === req.params.locationId);
    if (!location) {
      res.status(404).json({ reason: 'location_not_found' });
      return;
    }
    res.json(location);
  });

  router.get('/find/', (req, res) => {
    const userId = queryText(req.query.user_id);
    const name = queryText(req.query.name)?.toLowerCase();
    const category = queryText(req.query.category);
    const tag = queryText(req.query.tag);
    const found = data.locations.filter(
      (location) =>
        (userId === undefined || String(location.user_id) === userId) &&
        (name === undefined || location.name.toLowerCase().includes(name)) &&
        (category === undefined || hasNamed(location.categories, category)) &&
        (tag === undefined || hasNamed(location.tags, tag)),
    );
    res.json(found.slice(0, MAX_FOUND_LOCATIONS));
  });

  return router;
}
