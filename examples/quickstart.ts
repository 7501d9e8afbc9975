/**
 * The guide, steps 5 to 7, with okta-m2m: a service app reads users and updates a first and last name.
 * Configuration comes from the guide's environment variables (OKTA_DOMAIN, OKTA_CLIENT_ID, OKTA_KEY_ID,
 * OKTA_PRIVATE_KEY_PATH, OKTA_SCOPES). `npm start` runs it against the local emulator.
 */
import { createOktaClient, fromEnv, isOktaM2MError } from 'okta-m2m';

const client = createOktaClient(fromEnv());
try {
  // Steps 5-6: a signed client assertion (and, since the app requires DPoP, the nonce handshake: two 400
  // answers, then the token). Warming up makes a wrong key or grant fail here rather than on the first call.
  const info = await client.tokens.warmUp();
  console.log(`Token: ${info.type}, scopes "${info.scopes.join(' ')}"`);

  // Step 7: list users, following Okta's `link rel="next"` pages.
  const users = [];
  for await (const user of client.users.list({ limit: 10 })) {
    users.push(user);
    if (users.length === 5) break;
  }
  console.log(`First ${users.length} users:`);
  for (const u of users)
    console.log(`  ${u.id}  ${u.profile.login}  ${u.profile.firstName} ${u.profile.lastName}`);

  // Get one user and update the first and last name (POST partial update, fields inside `profile`).
  const first = users[0];
  if (first) {
    const before = await client.users.get(first.id);
    const updated = await client.users.updateName(first.id, {
      firstName: before.profile.firstName ?? 'Ada',
      lastName: `${before.profile.lastName ?? ''}-updated`,
    });
    console.log(`Renamed ${updated.id}: ${before.profile.lastName} -> ${updated.profile.lastName}`);
  }

  // The token was cached and reused by every call.
  const m = client.metrics();
  console.log(
    `Token requests: ${m.token.requests}, cache hits/misses: ${m.token.cache.hits}/${m.token.cache.misses}, ` +
      `responses: ${JSON.stringify(m.requests.byClass)}`,
  );
} catch (error) {
  if (isOktaM2MError(error)) {
    console.error(`${error.code}: ${error.message}${error.hint ? `\nHint: ${error.hint}` : ''}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
} finally {
  await client.close();
}
