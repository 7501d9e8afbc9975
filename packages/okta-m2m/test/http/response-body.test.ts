import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { readBody, responseHeaders, TOO_LARGE } from '../../src/http/response-body.js';

void test('readBody joins the chunks of a complete body as UTF-8 text', async () => {
  const body = Readable.from([Buffer.from('{"a":'), Buffer.from('"\u00e9"}')]);
  assert.equal(await readBody(body, 1000, undefined), '{"a":"\u00e9"}');
});

void test('readBody rejects a body that closes before its end with ERR_STREAM_PREMATURE_CLOSE', async () => {
  const body = new Readable({ read() {} });
  body.push(Buffer.from('{"partial":'));
  const reading = readBody(body, 1000, undefined);
  setImmediate(() => body.destroy());
  await assert.rejects(reading, { code: 'ERR_STREAM_PREMATURE_CLOSE' });
});

void test('readBody stops at the size cap, by the declared length or by the bytes read', async () => {
  await assert.rejects(readBody(Readable.from([Buffer.from('x')]), 10, '11'), (e) => e === TOO_LARGE);
  const big = Readable.from([Buffer.alloc(6, 'x'), Buffer.alloc(6, 'y')]);
  await assert.rejects(readBody(big, 10, undefined), (e) => e === TOO_LARGE);
});

void test('responseHeaders lower-cases names and drops undefined values', () => {
  assert.deepEqual(responseHeaders({ 'X-Rate-Limit-Remaining': '5', vary: ['a', 'b'], gone: undefined }), {
    'x-rate-limit-remaining': '5',
    vary: ['a', 'b'],
  });
});
