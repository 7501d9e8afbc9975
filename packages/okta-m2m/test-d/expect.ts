/**
 * Compile-only assertions for the type tests in this folder (in the manner of jose's test-d): nothing here runs.
 * `expectType<T>()(value)` fails to compile unless `value`'s type is exactly `T`.
 */

/** True when A and B are the same type (not merely assignable either way). */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * Assert the exact type of a value at compile time.
 * @example
 * expectType<'Bearer' | 'DPoP'>()(token.type);
 */
export function expectType<T>(): <V>(value: V & (Equal<V, T> extends true ? unknown : never)) => void {
  return () => undefined;
}

/** A value of type T, for type tests that never run. */
export declare function value<T>(): T;
