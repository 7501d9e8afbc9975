/**
 * A fault-injecting HTTP proxy on 127.0.0.1:0 in front of the emulator, for the fault-matrix suite. Each request is
 * matched against the installed rules (method + path prefix); a rule's next step decides what the client gets:
 * the emulator's answer as is, or a broken version of it (reset before headers, reset mid-body, a stall, a
 * trickled body, truncated JSON, a canned answer, a closed keep-alive socket). It also records every credential
 * that crossed it (Authorization and DPoP headers, client assertions, issued access tokens), so the suite can
 * check that none of them appears in a log line, an error or a metric.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does with one request. */
export type ProxyStep =
  | 'pass'
  /** Destroy the connection without sending anything. */
  | 'reset-before-headers'
  /** Send the headers (full Content-Length) and half the body, then destroy the connection. */
  | 'reset-mid-body'
  /** Never answer (until the client gives up or the proxy closes). */
  | 'stall'
  /** Send the upstream answer in `pieces` pieces, `everyMs` apart. */
  | { trickle: { pieces: number; everyMs: number } }
  /** The upstream status and headers with the JSON body cut in half (a consistent Content-Length). */
  | 'truncate-json'
  /** A canned answer instead of the upstream one. */
  | { status: number; headers?: Record<string, string>; body?: string }
  /** The upstream answer, then the socket closed without `Connection: close` (a keep-alive socket dropped). */
  | 'close-after';

interface Rule {
  method: string;
  prefix: string;
  steps: ProxyStep[];
  repeat: boolean;
  matched: number;
}

/** A running proxy. */
export interface FaultProxy {
  url: string;
  /** Requests that reached the proxy, per `METHOD path` (query dropped). */
  readonly hits: Map<string, number>;
  /** Every credential that crossed the proxy. */
  readonly secrets: Set<string>;
  /** Install a rule; later rules are matched first. Returns a reader of how many requests it matched. */
  rule(method: string, prefix: string, steps: ProxyStep[], options?: { repeat?: boolean }): () => number;
  clear(): void;
  /** Requests that matched `METHOD prefix*` since the last clear. */
  count(method: string, prefix: string): number;
  close(): Promise<void>;
}

/**
 * Start a proxy forwarding to `upstream` (e.g. the emulator's URL).
 * @example
 * const proxy = await startFaultProxy(emu.url);
 * proxy.rule('GET', '/api/v1/users', ['reset-before-headers']);
 */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const rules: Rule[] = [];
  const hits = new Map<string, number>();
  const secrets = new Set<string>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch(() => res.destroy());
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 60_000;

  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0]!;
    const key = `${method} ${path}`;
    hits.set(key, (hits.get(key) ?? 0) + 1);
    recordRequestSecrets(req, body);
    const rule = rules.find((r) => (r.method === '*' || r.method === method) && path.startsWith(r.prefix));
    let step: ProxyStep = 'pass';
    if (rule !== undefined) {
      const i = rule.matched++;
      step = rule.repeat ? rule.steps[i % rule.steps.length]! : (rule.steps[i] ?? 'pass');
    }
    if (step === 'reset-before-headers') return void req.socket.destroy();
    if (step === 'stall') return;
    if (typeof step === 'object' && 'status' in step) {
      const text = step.body ?? '';
      res.writeHead(step.status, { 'content-length': Buffer.byteLength(text), ...step.headers });
      res.end(text);
      return;
    }
    const upstreamRes = await fetch(upstream + (req.url ?? '/'), {
      method,
      headers: forwardHeaders(req),
      ...(method === 'GET' || method === 'HEAD' ? {} : { body: new Uint8Array(body) }),
    });
    const text = Buffer.from(await upstreamRes.arrayBuffer());
    recordResponseSecrets(text);
    const headers: Record<string, string | string[]> = {};
    upstreamRes.headers.forEach((value, name) => {
      if (!['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(name))
        headers[name] = value;
    });
    const setCookie = upstreamRes.headers.getSetCookie();
    if (setCookie.length > 0) headers['set-cookie'] = setCookie;
    if (step === 'truncate-json') {
      const cut = text.subarray(0, Math.max(1, Math.floor(text.length / 2)));
      res.writeHead(upstreamRes.status, { ...headers, 'content-length': cut.length });
      res.end(cut);
      return;
    }
    res.writeHead(upstreamRes.status, { ...headers, 'content-length': text.length });
    if (step === 'reset-mid-body') {
      res.write(text.subarray(0, Math.floor(text.length / 2)));
      const t = setTimeout(() => {
        timers.delete(t);
        req.socket.destroy();
      }, 5);
      timers.add(t);
      return;
    }
    if (typeof step === 'object' && 'trickle' in step) {
      let at = 0;
      const { pieces, everyMs } = step.trickle;
      const bytes = Math.max(1, Math.ceil(text.length / pieces));
      const tick = (): void => {
        if (res.destroyed) return;
        res.write(text.subarray(at, at + bytes));
        at += bytes;
        if (at >= text.length) return void res.end();
        const t = setTimeout(() => {
          timers.delete(t);
          tick();
        }, everyMs);
        timers.add(t);
      };
      tick();
      return;
    }
    res.end(text);
    if (step === 'close-after') res.once('finish', () => req.socket.end());
  }

  function recordRequestSecrets(req: IncomingMessage, body: Buffer): void {
    const auth = req.headers['authorization'];
    if (typeof auth === 'string') {
      const value = auth.replace(/^(Bearer|DPoP|SSWS)\s+/i, '');
      if (value.length >= 16) secrets.add(value);
    }
    const dpop = req.headers['dpop'];
    if (typeof dpop === 'string') secrets.add(dpop);
    const assertion = new URLSearchParams(body.toString('utf8')).get('client_assertion');
    if (assertion) secrets.add(assertion);
  }

  function recordResponseSecrets(body: Buffer): void {
    const match = /"access_token"\s*:\s*"([^"]+)"/.exec(body.toString('utf8'));
    if (match?.[1]) secrets.add(match[1]);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    secrets,
    rule(method, prefix, steps, options = {}) {
      const rule: Rule = { method, prefix, steps, repeat: options.repeat === true, matched: 0 };
      rules.unshift(rule);
      return () => rule.matched;
    },
    clear() {
      rules.length = 0;
      hits.clear();
    },
    count(method, prefix) {
      let n = 0;
      for (const [key, value] of hits) {
        const [m, p] = key.split(' ') as [string, string];
        if ((method === '*' || m === method) && p.startsWith(prefix)) n += value;
      }
      return n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function forwardHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || ['host', 'connection', 'content-length', 'keep-alive'].includes(name))
      continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
