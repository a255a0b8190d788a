import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import QRCode from 'qrcode';

export const CODE_PATTERN = /^[0-9a-f]{6}$/;
const MAX_QR_VALUE_LENGTH = 2000;

/**
 * @param queuedCodes values that `/codes/new/` hands out, in order, before random ones;
 *   the router takes them off this array (tests push onto it to force collisions).
 */
export function codesRouter(queuedCodes: string[]): Router {
  const router = Router({ strict: true });

  router.get('/new/', (_req, res) => {
    const value = queuedCodes.shift() ?? randomBytes(3).toString('hex');
    res.json({ value, timestamp: new Date().toISOString() });
  });

  router.post('/render/qr/', async (req, res) => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      res.status(400).json({ reason: 'malformed_json' });
      return;
    }
    const value: unknown = (body as Record<string, unknown>).value;
    if (typeof value !== 'string' || value === '' || value.length > MAX_QR_VALUE_LENGTH) {
      res.status(400).json({ reason: 'erroneous_value' });
      return;
    }
    let svg: string;
    try {
      svg = await QRCode.toString(value, { type: 'svg' });
    } catch {
      // Too much data for any QR version (possible with multi-byte characters).
      res.status(400).json({ reason: 'erroneous_value' });
      return;
    }
    res.json({ base64: Buffer.from(svg).toString('base64') });
  });

  return router;
}
