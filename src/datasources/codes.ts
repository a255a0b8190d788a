import { LRUCache } from 'lru-cache';
import { SiblingDataSource } from './sibling-data-source';

const CODE = /^[0-9a-f]{6}$/;
/** Characters of QR codes kept, with their values: about 8,000 join URLs (2 KB each). */
const QR_CACHE_SIZE = 16 * 1024 * 1024;

/** The codes service: fresh short codes and their QR rendering (SIBLINGS.md). */
export class CodesClient extends SiblingDataSource {
  readonly service = 'codes';

  // Every GET must reach the service: two concurrent ones deduplicated would hand two sessions one code.
  protected override requestDeduplicationPolicyFor() {
    return { policy: 'do-not-deduplicate' as const };
  }

  // A value's QR code never changes: each is rendered once, and asks for it while it renders share
  // that call. A failed render is not kept: the next ask tries again.
  private readonly qrCodes = new LRUCache<string, string>({
    maxSize: QR_CACHE_SIZE,
    sizeCalculation: (base64, value) => base64.length + value.length,
    fetchMethod: (value) => this.render(value),
    // One pushed out while it renders still answers those waiting for it (else: Error "deleted").
    ignoreFetchAbort: true,
  });

  newCode(): Promise<string> {
    return this.call(
      () => this.get<{ value?: unknown } | null>('codes/new/'),
      (answer) => {
        const value = answer?.value;
        if (typeof value !== 'string' || !CODE.test(value)) this.unexpected('code');
        return value;
      },
    );
  }

  /** Base64 of an SVG QR code encoding `value`. */
  async renderQr(value: string): Promise<string> {
    return (await this.qrCodes.fetch(value)) as string;
  }

  private render(value: string): Promise<string> {
    // A refusal (erroneous_value) is not the client's doing: the value is the session's code or join URL.
    return this.call(
      () => this.post<{ base64?: unknown } | null>('codes/render/qr/', { body: { value } }),
      (answer) => {
        if (typeof answer?.base64 !== 'string') this.unexpected('QR code');
        return answer.base64;
      },
    );
  }
}
