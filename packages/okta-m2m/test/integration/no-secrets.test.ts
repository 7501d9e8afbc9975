/**
 * No secrets anywhere: a full scenario (Bearer and DPoP tokens, API calls, token and API errors) runs with a
 * capturing logger and a subscriber on every diagnostics channel; then no access token, client assertion, DPoP
 * proof or private key material, nor anything shaped like a JWT or a PEM block, may appear in what was logged,
 * published or thrown (message, hint, JSON.stringify and util.inspect of each error).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createPrivateKey } from 'node:crypto';
import { inspect } from 'node:util';
import { startEmulator, type RunningEmulator, type ServiceAppCredentials } from 'okta-emulator';
import { CHANNELS, loadSigningKey } from '../../src/index.js';
import {
  Metrics,
  TokenProvider,
  UsersApi,
  createDpopProver,
  createSafeLogger,
  createTransport,
  defaultDeps,
  type HttpRequest,
  type Transport,
} from '../../src/core.js';
import { capturingLogger } from '../helpers/token-fakes.js';
import { clientFor } from '../helpers/emulator-client.js';

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seedUsers: 3 });
});
after(() => emu.close());

/** Everything sent: the artefacts the library signed and the tokens it used. */
function recording(inner: Transport): { transport: Transport; sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  return {
    sent,
    transport: {
      send: (factory, options) =>
        inner.send(async (attempt, signal) => {
          const request = await factory(attempt, signal);
          sent.push(request);
          return request;
        }, options),
      close: () => inner.close(),
    },
  };
}

function stackFor(
  app: ServiceAppCredentials,
  logger: ReturnType<typeof capturingLogger>,
  dpop: 'auto' | false,
) {
  const deps = defaultDeps({ logger: createSafeLogger(logger) });
  const metrics = new Metrics();
  const rec = recording(createTransport({ retry: false }, { ...deps, metrics, logger: deps.logger }));
  const signingKey = loadSigningKey({ privateKey: app.privateKeyPem, keyId: app.keyId });
  const tokens = new TokenProvider({
    transport: rec.transport,
    tokenEndpoint: new URL(emu.tokenEndpoint),
    clientId: app.clientId,
    signingKey,
    scopes: ['okta.users.read', 'okta.users.manage', 'okta.groups.read'], // partial grant: a warning is logged
    dpop,
    dpopProver: dpop === false ? undefined : () => createDpopProver({ deps }),
    metrics,
    deps,
  });
  const users = new UsersApi({ transport: rec.transport, authorizer: tokens, orgUrl: emu.url });
  return { tokens, users, sent: rec.sent, close: () => (tokens.close(), rec.transport.close()) };
}

void test('nothing secret is logged, published or thrown', async (t) => {
  const logger = capturingLogger();
  const published: unknown[] = [];
  const listener = (m: unknown): void => void published.push(m);
  for (const name of Object.values(CHANNELS)) subscribe(name, listener);
  t.after(() => {
    for (const name of Object.values(CHANNELS)) unsubscribe(name, listener);
  });
  const thrown: unknown[] = [];
  const attempt = async (fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
    } catch (e) {
      thrown.push(e);
    }
  };

  const bearerApp = await emu.createServiceApp({ dpop: false, role: 'SUPER_ADMIN' });
  const dpopApp = await emu.createServiceApp({ dpop: true, role: 'none' });
  const secrets: string[] = [];
  const keyMaterial = (app: ServiceAppCredentials): string[] => {
    const jwk = createPrivateKey(app.privateKeyPem).export({ format: 'jwk' });
    return [app.privateKeyPem.split('\n')[1]!, jwk.d!, jwk.p!, jwk.q!];
  };
  secrets.push(...keyMaterial(bearerApp), ...keyMaterial(dpopApp));

  const sentAll: HttpRequest[] = [];
  for (const [app, dpop] of [
    [bearerApp, false],
    [dpopApp, 'auto'],
  ] as const) {
    const stack = stackFor(app, logger, dpop);
    const token = await stack.tokens.getToken();
    secrets.push(token.value);
    await attempt(() => stack.users.get('nobody@example.com')); // 403 (role) or 404
    await attempt(() => stack.users.updateName('00u1ab2cd3EF4gh5ij6k7', { firstName: 'A', lastName: 'B' }));
    emu.built.state.tokens.clear(); // a 401 and a refresh
    await attempt(() => stack.users.get('nobody@example.com'));
    secrets.push((await stack.tokens.getToken()).value);
    sentAll.push(...stack.sent);
    await stack.close();
  }
  // Token endpoint failures through the public client: wrong kid, no scope granted, DPoP refused.
  for (const options of [{ keyId: 'wrong' }, { scopes: ['okta.groups.read'] }]) {
    const client = clientFor(emu, bearerApp, { ...options, logger });
    await attempt(() => client.tokens.getToken());
    await client.close();
  }
  const refused = clientFor(emu, dpopApp, { dpop: false, logger });
  await attempt(() => refused.tokens.getToken());
  await refused.close();

  for (const request of sentAll) {
    const form = new URLSearchParams(request.body ?? '');
    const assertion = form.get('client_assertion');
    if (assertion) secrets.push(assertion);
    for (const [name, value] of Object.entries(request.headers)) {
      if (/^(authorization|dpop)$/i.test(name)) secrets.push(value.replace(/^(Bearer|DPoP) /, ''));
    }
  }
  assert.ok(
    secrets.filter((s) => s.startsWith('eyJ')).length >= 10,
    'the scenario produced assertions/proofs',
  );
  assert.ok(thrown.length >= 7, `errors were thrown (${thrown.length})`);
  assert.ok(
    logger.entries.some((e) => e.level === 'warn'),
    'something was logged',
  );
  assert.ok(
    logger.entries.some((e) => e.level === 'info'),
    'the DPoP switch was logged',
  );
  assert.ok(published.length > 10, 'events were published');

  const surfaces: [string, string][] = [
    ...logger.entries.map((e, i): [string, string] => [
      `log ${i}`,
      `${e.msg ?? ''} ${JSON.stringify(e.obj)} ${inspect(e.obj, { depth: 10 })}`,
    ]),
    ...published.map((m, i): [string, string] => [
      `event ${i}`,
      `${JSON.stringify(m)} ${inspect(m, { depth: 10 })}`,
    ]),
    ...thrown.map((e, i): [string, string] => {
      const err = e as Error & { hint?: string };
      return [
        `error ${i} (${err.name})`,
        `${err.message} ${err.hint ?? ''} ${JSON.stringify(err)} ${inspect(err, { depth: 10 })} ${String(err.stack)}`,
      ];
    }),
  ];
  for (const [where, text] of surfaces) {
    for (const secret of secrets) assert.ok(!text.includes(secret), `${where} contains a secret`);
    assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/, `${where} contains a JWT`);
    assert.doesNotMatch(text, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, `${where} contains a PEM block`);
  }
});
