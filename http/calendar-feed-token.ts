import { AppError } from '../domain/shared/app-error.js';
import type { FeedTokenGenerations } from '../ports/feed-tokens.port.js';
import type { SecretBox } from '../ports/secret-box.port.js';

const FEED_CONTEXT = 'scheduler:ics-feed';
const noGenerations: FeedTokenGenerations = { current: async () => 0, rotate: async () => 0 };

/**
 * The secret .ics subscription token: the tenant and its feed generation, sealed. Strict (the
 * exact text issued, nothing appended or altered) and revocable (rotating the generation).
 */
export class CalendarFeedTokens {
  constructor(
    private readonly box: SecretBox,
    private readonly generations: FeedTokenGenerations = noGenerations,
  ) {}

  async pathFor(tenant: string): Promise<string> {
    return this.path(tenant, await this.generations.current(tenant));
  }

  async rotate(tenant: string): Promise<string> {
    return this.path(tenant, await this.generations.rotate(tenant));
  }

  /** The tenant a token was issued to; CALENDAR_FEED.NOT_FOUND when it is not exactly a current token. */
  async tenantOf(token: string): Promise<string> {
    const notFound = () => new AppError('CALENDAR_FEED.NOT_FOUND', 'No such feed.');
    const bare = token.endsWith('.ics') ? token.slice(0, -4) : token;
    const bytes = Buffer.from(bare, 'base64url');
    // base64url decoding skips what it cannot read: only the text it re-encodes to is the token.
    if (bytes.toString('base64url') !== bare) throw notFound();
    let payload: string;
    try {
      payload = this.box.open(bytes.toString(), FEED_CONTEXT);
    } catch {
      throw notFound();
    }
    // Tokens from before rotation existed hold the bare tenant: generation 0.
    const colon = payload.indexOf(':');
    const [generation, tenant] = colon === -1 ? [0, payload] : [Number(payload.slice(0, colon)), payload.slice(colon + 1)];
    if (generation !== (await this.generations.current(tenant))) throw notFound();
    return tenant;
  }

  private path(tenant: string, generation: number): string {
    const token = Buffer.from(this.box.seal(generation === 0 ? tenant : `${generation}:${tenant}`, FEED_CONTEXT)).toString('base64url');
    return `/api/v1/scheduler/feeds/${token}.ics`;
  }
}
