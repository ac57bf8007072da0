/** Compile-time proof that a switch handled every case; throws only if the types lied at runtime. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${String(value)}`);
}
