import { SiblingDataSource } from './sibling-data-source';

const CODE = /^[0-9a-f]{6}$/;

/** The codes service: fresh short codes and their QR rendering (SIBLINGS.md). */
export class CodesClient extends SiblingDataSource {
  readonly service = 'codes';

  // Every GET must reach the service: two concurrent ones deduplicated would hand two sessions one code.
  protected override requestDeduplicationPolicyFor() {
    return { policy: 'do-not-deduplicate' as const };
  }

  async newCode(): Promise<string> {
    const answer = await this.call(() => this.get<{ value?: unknown } | null>('codes/new/'));
    const value = answer?.value;
    if (typeof value !== 'string' || !CODE.test(value)) this.unexpected('code');
    return value;
  }

  /** Base64 of an SVG QR code encoding `value`. */
  async renderQr(value: string): Promise<string> {
    // A refusal (erroneous_value) is not the client's doing: the value is the session's code or join URL.
    const answer = await this.call(() => this.post<{ base64?: unknown } | null>('codes/render/qr/', { body: { value } }));
    if (typeof answer?.base64 !== 'string') this.unexpected('QR code');
    return answer.base64;
  }
}
