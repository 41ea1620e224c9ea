/**
 * The default of an exhaustive switch: a missing case is a type error, and a
 * value the types ruled out (from an older or newer peer) throws.
 */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
