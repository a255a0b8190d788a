import { startSiblingDoubles, type SiblingDoubles } from '../src/dev/siblings';

let siblings: SiblingDoubles;

beforeAll(async () => {
  siblings = await startSiblingDoubles();
});

afterAll(async () => {
  await siblings.stop();
});

interface Answer {
  status: number;
  body: any;
}

async function get(path: string): Promise<Answer> {
  const response = await fetch(siblings.url + path);
  return { status: response.status, body: await response.json() };
}

async function post(path: string, body: unknown): Promise<Answer> {
  return postRaw(path, JSON.stringify(body));
}

async function postRaw(path: string, rawBody: string): Promise<Answer> {
  const response = await fetch(siblings.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: rawBody,
  });
  return { status: response.status, body: await response.json() };
}

async function login(username = 'demo', password = 'demo-password'): Promise<string> {
  const { body } = await post('/verification/login/', { username, password });
  return body.session_key;
}

describe('verification', () => {
  it('logs the demo user in with a 32-hex session key', async () => {
    const answer = await post('/verification/login/', { username: 'demo', password: 'demo-password' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ session_key: expect.stringMatching(/^[0-9a-f]{32}$/), session_data: { user_id: 1 } });
  });

  it('refuses a wrong password with 403 incorrect_credentials', async () => {
    const answer = await post('/verification/login/', { username: 'demo', password: 'wrong-password' });
    expect(answer).toEqual({ status: 403, body: { reason: 'incorrect_credentials' } });
  });

  it('verifies a session key for its own user', async () => {
    const key = await login();
    const answer = await post('/verification/verify/', { session_key: key, user_id: 1 });
    expect(answer).toEqual({ status: 200, body: { session_key: key, session_data: { user_id: 1 } } });
  });

  it('refuses an unknown session key with incorrect_session_key', async () => {
    const answer = await post('/verification/verify/', { session_key: 'f'.repeat(32), user_id: 1 });
    expect(answer).toEqual({ status: 403, body: { reason: 'incorrect_session_key' } });
  });

  it("refuses another user's id with incorrect_user_id", async () => {
    const key = await login();
    const answer = await post('/verification/verify/', { session_key: key, user_id: 2 });
    expect(answer).toEqual({ status: 403, body: { reason: 'incorrect_user_id' } });
  });

  it('refuses a user_id given as the string "1"', async () => {
    const key = await login();
    const answer = await post('/verification/verify/', { session_key: key, user_id: '1' });
    expect(answer).toEqual({ status: 403, body: { reason: 'incorrect_user_id' } });
  });

  it('refuses an expired session key with incorrect_session_key', async () => {
    const key = await login();
    siblings.control.expireSessionKey(key);
    const answer = await post('/verification/verify/', { session_key: key, user_id: 1 });
    expect(answer).toEqual({ status: 403, body: { reason: 'incorrect_session_key' } });
  });

  it('accepts a session key issued through control', async () => {
    const key = siblings.control.issueSessionKey(2);
    const answer = await post('/verification/verify/', { session_key: key, user_id: 2 });
    expect(answer.status).toBe(200);
  });

  it('logs out, after which the key no longer verifies', async () => {
    const key = await login();
    expect(await post('/verification/logout/', { session_key: key, user_id: 1 })).toEqual({
      status: 200,
      body: { message: 'logged_out' },
    });
    const answer = await post('/verification/verify/', { session_key: key, user_id: 1 });
    expect(answer.body).toEqual({ reason: 'incorrect_session_key' });
  });

  it('refuses a logout for another user with incorrect_user_id', async () => {
    const key = await login();
    const answer = await post('/verification/logout/', { session_key: key, user_id: 2 });
    expect(answer).toEqual({ status: 403, body: { reason: 'incorrect_user_id' } });
  });

  it('registers a new user who can then log in', async () => {
    const newUser = { username: 'newbie', password: 'newbie-password', email: 'newbie@example.com', first_name: 'N', last_name: 'B' };
    const answer = await post('/verification/register/', newUser);
    expect(answer.status).toBe(200);
    expect(answer.body.session_data.user_id).toBe(3);
    expect(await login('newbie', 'newbie-password')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('refuses to register an existing username with 400 duplicate_user', async () => {
    const answer = await post('/verification/register/', {
      username: 'demo', password: 'another-password', email: 'other@example.com', first_name: '', last_name: '',
    });
    expect(answer).toEqual({ status: 400, body: { reason: 'duplicate_user' } });
  });

  it.each([
    ['a username under 4 characters', { username: 'abc' }],
    ['a password under 7 characters', { password: 'short' }],
    ['a bad email', { email: 'not-an-email' }],
  ])('refuses to register %s with 403 incorrect_credentials', async (_case, override) => {
    const answer = await post('/verification/register/', {
      username: 'someone', password: 'long-enough', email: 'someone@example.com', first_name: '', last_name: '',
      ...override,
    });
    expect(answer).toEqual({ status: 403, body: { reason: 'incorrect_credentials' } });
  });

  it('answers unparsable JSON with 400 malformed_json', async () => {
    expect(await postRaw('/verification/login/', '{"username": ')).toEqual({ status: 400, body: { reason: 'malformed_json' } });
  });

  it('answers wrongly shaped JSON with 400 malformed_json', async () => {
    expect(await post('/verification/login/', { username: 'demo' })).toEqual({ status: 400, body: { reason: 'malformed_json' } });
    expect(await post('/verification/verify/', [1, 2])).toEqual({ status: 400, body: { reason: 'malformed_json' } });
  });
});

describe('locations', () => {
  it('gets a location in its full shape', async () => {
    const answer = await get('/locations/get/1/');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      id: 1,
      name: 'Demo Café',
      description: expect.any(String),
      address: expect.any(String),
      user_id: 1,
      latitude: expect.any(String),
      longitude: expect.any(String),
      website: expect.any(String),
      telephone: expect.any(String),
      categories: expect.arrayContaining([{ name: expect.any(String) }]),
      tags: expect.arrayContaining([{ name: expect.any(String) }]),
    });
  });

  it('answers an unknown location with 404 location_not_found', async () => {
    expect(await get('/locations/get/999/')).toEqual({ status: 404, body: { reason: 'location_not_found' } });
  });

  it("finds a user's locations by user_id", async () => {
    const answer = await get('/locations/find/?user_id=1');
    expect(answer.body.map((l: { id: number }) => l.id)).toEqual([1, 3]);
  });

  it('finds locations by a case-insensitive name substring', async () => {
    const answer = await get('/locations/find/?name=BISTRO');
    expect(answer.body.map((l: { id: number }) => l.id)).toEqual([2]);
  });
});

describe('products', () => {
  it('gets a product with its price as a 2-decimal string', async () => {
    const answer = await get('/products/get/5/');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      id: 5,
      location_id: 1,
      name: 'Still water',
      description: expect.any(String),
      price: '0.80',
      tags: expect.any(Array),
      categories: expect.any(Array),
      additives: expect.any(Array),
    });
  });

  it('answers an unknown product with 404 product_not_found', async () => {
    expect(await get('/products/get/999/')).toEqual({ status: 404, body: { reason: 'product_not_found' } });
  });

  it("finds a location's products by location_id", async () => {
    const answer = await get('/products/find/?location_id=2');
    expect(answer.body.map((p: { id: number }) => p.id)).toEqual([101, 102, 103]);
  });

  it('finds products by additive', async () => {
    const answer = await get('/products/find/?location_id=1&additive=milk');
    expect(answer.body.map((p: { id: number }) => p.id)).toEqual([2, 3]);
  });

  it('serves a price set through control, still as a string', async () => {
    siblings.control.setProductPrice(4, '3.00');
    expect((await get('/products/get/4/')).body.price).toBe('3.00');
  });
});

describe('codes', () => {
  it('hands out a new code of 6 lowercase hex characters with an ISO timestamp', async () => {
    const answer = await get('/codes/new/');
    expect(answer.status).toBe(200);
    expect(answer.body.value).toMatch(/^[0-9a-f]{6}$/);
    expect(new Date(answer.body.timestamp).toISOString()).toBe(answer.body.timestamp);
  });

  it('hands out queued codes first, in order', async () => {
    siblings.control.queueCodes(['aaaaaa', 'aaaaaa', 'bbbbbb']);
    const values = [];
    for (let i = 0; i < 3; i++) values.push((await get('/codes/new/')).body.value);
    expect(values).toEqual(['aaaaaa', 'aaaaaa', 'bbbbbb']);
  });

  it('renders a QR code as base64 of an SVG', async () => {
    const answer = await post('/codes/render/qr/', { value: '3fa9c1' });
    expect(answer.status).toBe(200);
    expect(Buffer.from(answer.body.base64, 'base64').toString('utf8')).toMatch(/^(<svg|<\?xml)/);
  });

  it.each([
    ['an empty value', { value: '' }],
    ['a non-string value', { value: 123 }],
    ['a value over 2000 characters', { value: 'x'.repeat(2001) }],
    ['a missing value', {}],
  ])('refuses to render %s with 400 erroneous_value', async (_case, body) => {
    expect(await post('/codes/render/qr/', body)).toEqual({ status: 400, body: { reason: 'erroneous_value' } });
  });

  it('answers unparsable JSON with 400 malformed_json', async () => {
    expect(await postRaw('/codes/render/qr/', 'not json')).toEqual({ status: 400, body: { reason: 'malformed_json' } });
  });
});

describe('request bodies', () => {
  it('are read as JSON whatever their Content-Type', async () => {
    const response = await fetch(`${siblings.url}/verification/login/`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ username: 'demo', password: 'demo-password' }),
    });

    expect(response.status).toBe(200);
  });

  it('are not read by a service that is unavailable: 503 comes first', async () => {
    siblings.control.setUnavailable('codes');
    try {
      expect(await postRaw('/codes/render/qr/', 'not json')).toEqual({ status: 503, body: { reason: 'service_unavailable' } });
    } finally {
      siblings.control.setUnavailable('codes', false);
    }
  });
});

describe('any path or method outside the contracts', () => {
  it.each([
    ['GET', '/locations/get/1'],
    ['GET', '/verification/login/'],
    ['POST', '/products/get/1/'],
    ['GET', '/elsewhere/'],
  ])('%s %s is 404 not_found, in JSON like every failure', async (method, path) => {
    const response = await fetch(siblings.url + path, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });

    expect({ status: response.status, body: await response.json() }).toEqual({ status: 404, body: { reason: 'not_found' } });
  });

  it('answers a body over the parser limit with 413 payload_too_large, in JSON', async () => {
    expect(await post('/verification/login/', { username: 'x'.repeat(200_000), password: 'p' })).toEqual({ status: 413, body: { reason: 'payload_too_large' } });
  });
});

describe('control', () => {
  it('counts requests per path prefix', async () => {
    siblings.control.resetRequestCounts();
    await get('/products/get/1/');
    await get('/products/find/?location_id=1');
    await get('/codes/new/');
    expect(siblings.control.requestCount('/products/')).toBe(2);
    expect(siblings.control.requestCount('/products/get/')).toBe(1);
    expect(siblings.control.requestCount('/verification/')).toBe(0);
  });

  it('makes a service answer 503 while it is unavailable', async () => {
    siblings.control.setUnavailable('locations');
    expect((await get('/locations/get/1/')).status).toBe(503);
    siblings.control.setUnavailable('locations', false);
    expect((await get('/locations/get/1/')).status).toBe(200);
  });

  it('gives each doubles server its own copy of the demo data', async () => {
    const other = await startSiblingDoubles();
    try {
      other.data.products[0].price = '9.99';
      expect(siblings.data.products[0].price).toBe('2.40');
    } finally {
      await other.stop();
    }
  });
});
