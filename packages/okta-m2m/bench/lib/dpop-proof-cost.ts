/**
 * Cost of one DPoP proof (µs), for the library's prover (ES256, RS256) and, for reference, a straightforward
 * jose SignJWT proof with a pre-imported key. Part of bench/dpop.ts.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { SignJWT, exportJWK } from 'jose';
import { createDpopProver } from '../../src/auth/dpop.js';
import type { DpopAlgorithm } from '../../src/auth/dpop.js';

/** One row of the proof-cost table. */
export interface ProofCostRow {
  signer: string;
  proofs: number;
  /** Median over the rounds of the mean cost per proof (µs). */
  usPerProof: number;
}

const URL_ = new URL('https://acme.okta.com/api/v1/users/00u1abcdefghijklmno');
const TOKEN = 'eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiIwb2ExIn0.' + 'x'.repeat(342);

/** Measure `sign` over `rounds` rounds of `perRound` sequential proofs; the median of the round means. */
async function measure(sign: () => Promise<string>, perRound: number, rounds: number): Promise<number> {
  for (let i = 0; i < Math.min(200, perRound); i++) await sign(); // warm-up
  const means: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) await sign();
    means.push(Number(process.hrtime.bigint() - start) / 1000 / perRound);
  }
  return median(means);
}

/** The proof-cost table rows. */
export async function proofCost(options: { rounds?: number } = {}): Promise<ProofCostRow[]> {
  const rounds = options.rounds ?? 5;
  const deps = { clock: Date.now, uuid: randomUUID };
  const rows: ProofCostRow[] = [];
  for (const [alg, perRound] of [
    ['ES256', 2000],
    ['RS256', 300],
  ] as [DpopAlgorithm, number][]) {
    const prover = await createDpopProver({ alg, deps });
    const us = await measure(
      () => prover.proof({ method: 'GET', url: URL_, accessToken: TOKEN }),
      perRound,
      rounds,
    );
    rows.push({ signer: `okta-m2m prover ${alg}`, proofs: perRound * rounds, usPerProof: us });
  }
  // Reference: jose SignJWT, key imported once, header built per proof.
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = await exportJWK(publicKey);
  const us = await measure(
    () =>
      new SignJWT({ htm: 'GET', htu: URL_.href, ath: 'x' })
        .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk })
        .setIssuedAt()
        .setJti(randomUUID())
        .sign(privateKey),
    2000,
    rounds,
  );
  rows.push({ signer: 'reference: jose SignJWT ES256', proofs: 2000 * rounds, usPerProof: us });
  return rows;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
