/**
 * A socket's unsent bytes above which they count toward its client's limit. Below it they are
 * not counted at all, which keeps the count off the path of every healthy socket (a reader
 * keeps up, and what waits for it is a few messages).
 */
export const BACKLOG_BYTES = 64 * 1024;

/**
 * What waits unsent for all of one client's connections together, WebSockets and HTTP. One
 * socket may hold MAX_UNSENT_BYTES, but a client may hold CONNECTIONS_PER_CLIENT sockets:
 * thousands of them asking and not reading would make the instance hold gigabytes for one address.
 */
export class UnsentPerClient {
  private readonly unsent = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** Adds `change` to what waits for the client's sockets; whether that is now over the limit. */
  add(client: string, change: number): boolean {
    const total = (this.unsent.get(client) ?? 0) + change;
    if (total > 0) this.unsent.set(client, total);
    else this.unsent.delete(client);
    return total > this.limit;
  }

  isOver(client: string): boolean {
    return (this.unsent.get(client) ?? 0) > this.limit;
  }
}
