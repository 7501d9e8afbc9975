import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLinkHeader } from '../../src/http/link-header.js';

const SELF = 'https://example.okta.com/api/v1/users?limit=200';
const NEXT = 'https://example.okta.com/api/v1/users?after=100u65xtp32NovHoPx1d7&limit=200';

void test('Okta form: one header line per link', () => {
  const links = parseLinkHeader([`<${SELF}>; rel="self"`, `<${NEXT}>; rel="next"`]);
  assert.deepEqual(links, { self: SELF, next: NEXT });
});

void test('comma-joined values parse the same as separate lines', () => {
  assert.deepEqual(parseLinkHeader(`<${SELF}>; rel="self", <${NEXT}>; rel="next"`), {
    self: SELF,
    next: NEXT,
  });
});

void test('a mix of joined and separate lines, extra whitespace, unquoted rel and upper-case REL', () => {
  const links = parseLinkHeader([
    `<${SELF}>;rel=self ,  <${NEXT}> ;  REL="NEXT"`,
    '<https://x.test/p>; rel="last"',
  ]);
  assert.deepEqual(links, { self: SELF, next: NEXT, last: 'https://x.test/p' });
});

void test('the last page has only self: no next', () => {
  const links = parseLinkHeader([`<${SELF}>; rel="self"`]);
  assert.equal(links.next, undefined);
  assert.equal(links.self, SELF);
});

void test('URLs are kept verbatim, including commas and semicolons inside <...> and quoted params with commas', () => {
  const odd = 'https://example.okta.com/api/v1/users?search=profile.lastName%20eq%20%22a,b%22;x&after=00u1';
  const links = parseLinkHeader(`<${odd}>; title="a, b; c"; rel="next", <${SELF}>; rel="self"`);
  assert.equal(links.next, odd);
  assert.equal(links.self, SELF);
});

void test('several relations on one link, first occurrence of a relation wins', () => {
  const links = parseLinkHeader(['<https://a.test/1>; rel="next last"', '<https://a.test/2>; rel="next"']);
  assert.deepEqual(links, { next: 'https://a.test/1', last: 'https://a.test/1' });
});

void test('absent or junk headers give an empty map', () => {
  assert.deepEqual(parseLinkHeader(undefined), {});
  assert.deepEqual(parseLinkHeader([]), {});
  assert.deepEqual(parseLinkHeader('garbage; rel="next"'), {});
  assert.deepEqual(parseLinkHeader('<https://a.test/1'), {});
});
