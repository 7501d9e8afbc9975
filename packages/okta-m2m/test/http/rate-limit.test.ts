import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hasRateLimit, parseHttpDate, parseRateLimit } from '../../src/http/rate-limit.js';

void test('parses the three headers and Date into ms', () => {
  const info = parseRateLimit({
    'x-rate-limit-limit': '600',
    'x-rate-limit-remaining': '0',
    'x-rate-limit-reset': '1609459200',
    date: 'Thu, 31 Dec 2020 23:59:58 GMT',
  });
  assert.deepEqual(info, { limit: 600, remaining: 0, resetAt: 1609459200_000, serverNow: 1609459198_000 });
});

void test('header names are matched case-insensitively', () => {
  const info = parseRateLimit({
    'X-Rate-Limit-Limit': '100',
    'X-RATE-LIMIT-RESET': '10',
    Date: 'Thu, 01 Jan 1970 00:00:05 GMT',
  });
  assert.deepEqual(info, { limit: 100, remaining: undefined, resetAt: 10_000, serverNow: 5000 });
});

void test('duplicates (arrays or comma-joined) take the conservative reading', () => {
  const info = parseRateLimit({
    'x-rate-limit-limit': ['600', '100'],
    'x-rate-limit-remaining': '5, 2',
    'x-rate-limit-reset': '100, 160',
  });
  assert.equal(info?.limit, 100);
  assert.equal(info?.remaining, 2);
  assert.equal(info?.resetAt, 160_000);
  assert.equal(info?.serverNow, undefined);
});

void test('no rate-limit headers: undefined; garbage values are ignored', () => {
  assert.equal(
    parseRateLimit({ date: 'Thu, 01 Jan 1970 00:00:05 GMT', 'content-type': 'application/json' }),
    undefined,
  );
  const info = parseRateLimit({
    'x-rate-limit-limit': 'lots',
    'x-rate-limit-reset': '-5',
    'x-rate-limit-remaining': '3',
  });
  assert.deepEqual(info, { limit: undefined, remaining: 3, resetAt: undefined, serverNow: undefined });
});

void test('parseHttpDate: valid, missing and invalid', () => {
  assert.equal(parseHttpDate('Fri, 01 Jan 2021 00:00:00 GMT'), Date.UTC(2021, 0, 1));
  assert.equal(parseHttpDate(undefined), undefined);
  assert.equal(parseHttpDate('not a date'), undefined);
});

void test('hasRateLimit says whether parseRateLimit finds anything, without parsing (lower-case names)', () => {
  const value = fc.oneof(
    fc.constantFrom('', '0', '12', ' 7 ', 'abc', '1,2', ' ,3', '-3', '1.5', '１２', '99999999999'),
    fc.string(),
    fc.array(fc.constantFrom('', '5', 'x', '1, y'), { maxLength: 3 }),
  );
  const headers = fc.record(
    {
      'x-rate-limit-limit': value,
      'x-rate-limit-remaining': value,
      'x-rate-limit-reset': value,
      date: fc.constant('Thu, 01 Jan 1970 00:00:05 GMT'),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(headers, (h) => hasRateLimit(h) === (parseRateLimit(h) !== undefined)),
    { seed: 11, numRuns: 2000 },
  );
  assert.equal(hasRateLimit({ 'x-rate-limit-remaining': '9' }), true);
  assert.equal(hasRateLimit({ 'x-rate-limit-remaining': 'soon' }), false);
  assert.equal(hasRateLimit({ date: 'Thu, 01 Jan 1970 00:00:05 GMT' }), false);
});
