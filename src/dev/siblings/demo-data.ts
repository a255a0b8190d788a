/** A `{"name": ...}` entry, as the siblings list categories, tags and additives. */
export interface Named {
  name: string;
}

export interface DemoUser {
  id: number;
  username: string;
  password: string;
  email: string;
  first_name: string;
  last_name: string;
}

/** Exactly the location shape of the locations service. */
export interface DemoLocation {
  id: number;
  name: string;
  description: string;
  address: string;
  user_id: number;
  latitude: string | null;
  longitude: string | null;
  website: string | null;
  telephone: string | null;
  categories: Named[];
  tags: Named[];
}

/** Exactly the product shape of the products service; `price` is a 2-decimal string. */
export interface DemoProduct {
  id: number;
  location_id: number;
  name: string;
  description: string;
  price: string;
  tags: Named[];
  categories: Named[];
  additives: Named[];
}

export interface DemoSession {
  userId: number;
  expiresAt: number;
}

export interface DemoData {
  users: DemoUser[];
  locations: DemoLocation[];
  products: DemoProduct[];
  /** Session key → its session. */
  sessions: Map<string, DemoSession>;
}

export function hasNamed(entries: Named[], wanted: string): boolean {
  const lowerWanted = wanted.toLowerCase();
  return entries.some((entry) => entry.name.toLowerCase() === lowerWanted);
}

const named = (...names: string[]): Named[] => names.map((name) => ({ name }));

const initialDemoData: DemoData = {
  users: [
    {
      id: 1,
      username: 'demo',
      password: 'demo-password',
      email: 'demo@example.com',
      first_name: 'Dana',
      last_name: 'Demo',
    },
    {
      id: 2,
      username: 'rival',
      password: 'rival-password',
      email: 'rival@example.com',
      first_name: 'Robin',
      last_name: 'Rival',
    },
  ],
  locations: [
    {
      id: 1,
      name: 'Demo Café',
      description: 'A small café to try out ordering.',
      address: '1 Demo Street, Demo City',
      user_id: 1,
      latitude: '52.520008',
      longitude: '13.404954',
      website: 'https://demo-cafe.example.com',
      telephone: '+49 30 1234567',
      categories: named('cafe'),
      tags: named('coffee', 'breakfast'),
    },
    {
      id: 2,
      name: 'Rival Bistro',
      description: 'The bistro across the street, owned by someone else.',
      address: '2 Demo Street, Demo City',
      user_id: 2,
      latitude: null,
      longitude: null,
      website: null,
      telephone: null,
      categories: named('restaurant'),
      tags: named('dinner'),
    },
    {
      id: 3,
      name: 'Demo Garden',
      description: 'The beer garden of the demo user.',
      address: '3 Park Lane, Demo City',
      user_id: 1,
      latitude: '52.516275',
      longitude: '13.377704',
      website: null,
      telephone: '+49 30 7654321',
      categories: named('garden'),
      tags: named('outdoor', 'drinks'),
    },
  ],
  products: [
    product(1, 1, 'Espresso', '2.40', { categories: ['drinks'], tags: ['coffee', 'hot'] }),
    product(2, 1, 'Cappuccino', '3.20', { categories: ['drinks'], tags: ['coffee', 'hot'], additives: ['milk'] }),
    product(3, 1, 'Croissant', '2.10', { categories: ['food'], tags: ['breakfast'], additives: ['gluten', 'milk'] }),
    product(4, 1, 'Orange juice', '3.50', { categories: ['drinks'], tags: ['cold'] }),
    product(5, 1, 'Still water', '0.80', { categories: ['drinks'], tags: ['cold'] }),
    product(101, 2, 'Steak frites', '18.50', { categories: ['food'], tags: ['dinner'] }),
    product(102, 2, 'Soup of the day', '6.90', { categories: ['food'], tags: ['hot'], additives: ['celery'] }),
    product(103, 2, 'House wine', '4.50', { categories: ['drinks'], tags: ['alcohol'], additives: ['sulphites'] }),
    product(201, 3, 'Lemonade', '3.00', { categories: ['drinks'], tags: ['cold'] }),
    product(202, 3, 'Apple cake', '3.80', { categories: ['food'], tags: ['sweet'], additives: ['gluten', 'egg'] }),
  ],
  sessions: new Map(),
};

function product(
  id: number,
  locationId: number,
  name: string,
  price: string,
  names: { categories: string[]; tags: string[]; additives?: string[] },
): DemoProduct {
  return {
    id,
    location_id: locationId,
    name,
    description: `${name}, freshly served.`,
    price,
    tags: named(...names.tags),
    categories: named(...names.categories),
    additives: named(...(names.additives ?? [])),
  };
}

/** A fresh deep copy of the demo data: every doubles server mutates its own. */
export function createDemoData(): DemoData {
  return structuredClone(initialDemoData);
}

/** The demo representative's credentials, printed on a development start. */
export const DEMO_REPRESENTATIVE = { username: 'demo', password: 'demo-password', locationId: 1 } as const;
