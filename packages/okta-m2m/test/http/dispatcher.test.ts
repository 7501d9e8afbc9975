/**
 * The `transport.dispatcher` option against the emulator: a real undici ProxyAgent through a small local CONNECT
 * proxy carries every request (token and API), and an Agent the caller owns is used and left open by `close()`.
 * The emulator is the server; nothing is mocked.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { startEmulator, type RunningEmulator } from 'okta-emulator';
import { clientFor } from '../helpers/emulator-client.js';

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seedUsers: 3 });
});
after(() => emu.close());

/** A forward proxy that only tunnels (HTTP CONNECT), recording each tunnel's target. */
async function startConnectProxy(): Promise<{ url: string; tunnels: string[]; close: () => Promise<void> }> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    tunnels.push(target);
    const [host, port] = target.split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

void test('a ProxyAgent given as transport.dispatcher carries the token request and the API calls', async (t) => {
  const proxy = await startConnectProxy();
  t.after(() => proxy.close());
  const proxyAgent = new ProxyAgent(proxy.url);
  t.after(() => proxyAgent.close());
  const app = await emu.createServiceApp({ dpop: true });
  const client = clientFor(emu, app, { transport: { dispatcher: proxyAgent } });
  t.after(() => client.close());

  const users = [];
  for await (const user of client.users.list({ limit: 2 })) users.push(user);
  assert.ok(users.length >= 3, `listed ${users.length} users through the proxy`);
  assert.equal((await client.tokens.getToken()).type, 'DPoP');
  const emulatorHost = new URL(emu.url).host;
  assert.ok(proxy.tunnels.length >= 1, 'the proxy saw a tunnel');
  assert.ok(
    proxy.tunnels.every((target) => target === emulatorHost),
    `every tunnel goes to the emulator: ${proxy.tunnels.join(', ')}`,
  );
  assert.equal(client.config.transport.dispatcher, 'custom');
});

void test("the caller's Agent is used for every request and is not closed by client.close()", async (t) => {
  const dispatched: string[] = [];
  class CountingAgent extends Agent {
    override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      dispatched.push(`${options.method} ${options.path.split('?')[0] ?? ''}`);
      return super.dispatch(options, handler);
    }
  }
  const agent = new CountingAgent();
  t.after(() => agent.close());
  const app = await emu.createServiceApp({ dpop: false });
  const client = clientFor(emu, app, { transport: { dispatcher: agent } });

  let first;
  for await (const user of client.users.list({ limit: 1 })) {
    first = user;
    break;
  }
  assert.ok(first);
  assert.equal((await client.users.get(first.id)).id, first.id);
  assert.deepEqual(dispatched, [
    'POST /oauth2/v1/token',
    'GET /api/v1/users',
    `GET /api/v1/users/${first.id}`,
  ]);

  await client.close();
  assert.equal(agent.closed, false, 'the client leaves a dispatcher it did not create open');
  const res = await request(`${emu.url}/.well-known/openid-configuration`, { dispatcher: agent });
  assert.equal(res.statusCode, 200);
  await res.body.dump();
});

void test('a dispatcher with TLS, connection or keep-alive settings beside it is a configuration problem', async () => {
  const app = await emu.createServiceApp({ dpop: false });
  const agent = new Agent();
  try {
    assert.throws(
      () => clientFor(emu, app, { transport: { dispatcher: agent, tls: { ca: 'PEM' }, connections: 4 } }),
      (e: unknown) => {
        const problems = (e as { problems?: { option: string; message: string }[] }).problems ?? [];
        assert.deepEqual(problems.map((p) => p.option).sort(), ['transport.connections', 'transport.tls']);
        assert.match(problems[0]!.message, /dispatcher/);
        return true;
      },
    );
    assert.throws(
      () => clientFor(emu, app, { transport: { dispatcher: 'http://proxy:3128' as never } }),
      /transport\.dispatcher: Must be an undici Dispatcher/,
    );
  } finally {
    await agent.close();
  }
});
