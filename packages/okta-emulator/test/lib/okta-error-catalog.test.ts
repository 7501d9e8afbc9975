import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { notFound, validationFailed } from '../../src/lib/errors.js';
import { oktaErrorBody } from '../../src/lib/errors.js';

const CATALOGUE = fileURLToPath(new URL('../../reference/error-codes.json', import.meta.url));
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const MINE = ['authz', 'state', 'routes', 'plugins', 'oauth', 'server.ts'];

function files(path: string): string[] {
  const full = join(SRC, path);
  if (statSync(full).isFile()) return [full];
  return readdirSync(full).flatMap((name) => files(join(path, name)));
}

void describe('Okta error objects of the management half (facts §4)', () => {
  void test('§4 every E-code the management sources emit exists in error-codes.json', () => {
    const catalogue = JSON.parse(readFileSync(CATALOGUE, 'utf8')) as {
      errors: { errorCode: string; statusCode: number }[];
    };
    const known = new Map(catalogue.errors.map((e) => [e.errorCode, e.statusCode]));
    const used = new Set<string>();
    for (const f of MINE.flatMap(files))
      for (const m of readFileSync(f, 'utf8').matchAll(/'(E0000\d{3})'/g)) used.add(m[1]!);
    assert.ok(used.size >= 12, `found ${used.size} codes`);
    for (const code of used) assert.ok(known.has(code), `${code} is in the catalogue`);
  });

  void test('§3.6 shorthands render the confirmed texts', () => {
    const nf = notFound('00uX', 'User');
    assert.equal(nf.statusCode, 404);
    assert.equal(
      oktaErrorBody(nf.errorCode, nf.options).errorSummary,
      'Not found: Resource not found: 00uX (User)',
    );
    const vf = validationFailed('login', [
      'login: An object with this field already exists in the current organization',
    ]);
    const body = oktaErrorBody(vf.errorCode, vf.options);
    assert.equal(body.errorSummary, 'Api validation failed: login');
    assert.equal(body.errorLink, 'E0000001');
    assert.match(body.errorId, /^oae[A-Za-z0-9]{22}$/);
    assert.deepEqual(body.errorCauses, [
      { errorSummary: 'login: An object with this field already exists in the current organization' },
    ]);
  });
});
