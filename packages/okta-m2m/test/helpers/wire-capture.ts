/**
 * What undici put on the wire, seen through its diagnostics channels (not through the library): the credentials
 * in request headers and bodies (Authorization, DPoP proofs, client assertions) and the failed connection
 * attempts per port. For fault-matrix cells that cannot go through the fault proxy: a refused connection reaches
 * no server process that could count it, and the emulator pins a DPoP proof's `htu` to its own URL.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';

/** A running capture; `stop()` unsubscribes. */
export interface WireCapture {
  /** Credentials sent: Authorization values, DPoP proofs, client assertions. */
  readonly secrets: Set<string>;
  /** Connection attempts that failed (e.g. ECONNREFUSED), per port. */
  connectErrors(port: number): number;
  stop(): void;
}

interface ConnectMessage {
  connectParams?: { port?: number | string };
}
interface HeadersMessage {
  headers?: string;
}
interface CreateMessage {
  request?: { body?: unknown };
}

/**
 * Start capturing.
 * @example
 * const wire = captureWire(); await client.users.get(id); wire.stop(); wire.secrets.size > 0
 */
export function captureWire(): WireCapture {
  const secrets = new Set<string>();
  const failed = new Map<number, number>();
  const onConnectError = (message: unknown): void => {
    const port = Number((message as ConnectMessage).connectParams?.port);
    failed.set(port, (failed.get(port) ?? 0) + 1);
  };
  const onHeaders = (message: unknown): void => {
    for (const line of ((message as HeadersMessage).headers ?? '').split('\r\n')) {
      const match = /^(authorization|dpop):\s*(?:(?:DPoP|Bearer)\s+)?(\S+)/i.exec(line);
      if (match?.[2] && match[2].length >= 16) secrets.add(match[2]);
    }
  };
  const onCreate = (message: unknown): void => {
    const body = (message as CreateMessage).request?.body;
    const text =
      typeof body === 'string' ? body : body instanceof Uint8Array ? Buffer.from(body).toString() : '';
    const assertion = new URLSearchParams(text).get('client_assertion');
    if (assertion) secrets.add(assertion);
  };
  subscribe('undici:client:connectError', onConnectError);
  subscribe('undici:client:sendHeaders', onHeaders);
  subscribe('undici:request:create', onCreate);
  return {
    secrets,
    connectErrors: (port) => failed.get(port) ?? 0,
    stop() {
      unsubscribe('undici:client:connectError', onConnectError);
      unsubscribe('undici:client:sendHeaders', onHeaders);
      unsubscribe('undici:request:create', onCreate);
    },
  };
}
