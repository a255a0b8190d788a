import { SiblingDataSource, SiblingRejection } from './sibling-data-source';

const CODE = /^[0-9a-f]{6}$/;

/** The codes service: fresh short codes and their QR rendering (SIBLINGS.md). */
export class CodesClient extends SiblingDataSource {
  readonly service = 'codes';

  // Every GET must reach the service: two concurrent ones deduplicated would hand two sessions one code.
  protected override requestDeduplicationPolicyFor() {
    return { policy: 'do-not-deduplicate' as const };
  }

  async newCode(): Promise<string> {
    const answer = await this.call(() => this.get<{ value?: unknown }>('codes/new/'));
    const value = answer?.value;
    if (typeof value !== 'string' || !CODE.test(value)) this.unexpected('code');
    return value;
  }

  /** Base64 of an SVG QR code encoding `value`. */
  async renderQr(value: string): Promise<string> {
    const answer = await this.call(() => this.post<{ base64?: unknown }>('codes/render/qr/', { body: { value } })).catch(
      (error) => {
        if (error instanceof SiblingRejection) this.unexpected(`refusal (${error.reason})`);
        throw error;
      },
    );
    if (typeof answer.base64 !== 'string') this.unexpected('QR code');
    return answer.base64;
  }
}
