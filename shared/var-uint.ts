// lib0's varUint (7 bits a byte, low first, the high bit saying more follow),
// written straight into a message's own buffer: a lib0 encoder would start a
// 100-byte buffer and copy the message out of it, for a prefix of a few bytes.

/** Bytes `value` takes as a varUint. */
export function varUintLength(value: number): number {
  let bytes = 1;
  for (let rest = value; rest > 0x7f; rest = Math.floor(rest / 128)) bytes++;
  return bytes;
}

/** Writes `value` as a varUint at `at`; returns where the next byte goes. */
export function writeVarUint(into: Uint8Array, at: number, value: number): number {
  let next = at;
  let rest = value;
  while (rest > 0x7f) {
    into[next++] = 0x80 | (rest & 0x7f);
    rest = Math.floor(rest / 128);
  }
  into[next++] = rest;
  return next;
}
