// Keystroke updates built byte by byte, without a Y.Doc: what one client
// typing at the end of its own run of text in the root `Y.Text` sends (Yjs
// update format v1). Raw load clients make one per keystroke, on demand, so a
// run of any length never re-sends an update the server already has.
import * as encoding from 'lib0/encoding';

/** Root type every system's typists write to. */
export const TEXT_ROOT = 'prompt';

/** Yjs content ref of `ContentString`, and the info bit saying an item has a left origin. */
const CONTENT_STRING = 4;
const HAS_ORIGIN = 0x80;

/** The update that appends one character as `clock` of `client`. */
export function keystrokeUpdate(client: number, clock: number): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1); // clients in this update
  encoding.writeVarUint(encoder, 1); // structs of this client
  encoding.writeVarUint(encoder, client);
  encoding.writeVarUint(encoder, clock);
  if (clock === 0) {
    encoding.writeUint8(encoder, CONTENT_STRING);
    encoding.writeVarUint(encoder, 1); // parent is a root type, named
    encoding.writeVarString(encoder, TEXT_ROOT);
  } else {
    encoding.writeUint8(encoder, CONTENT_STRING | HAS_ORIGIN);
    encoding.writeVarUint(encoder, client); // left origin: this client's previous character
    encoding.writeVarUint(encoder, clock - 1);
  }
  encoding.writeVarString(encoder, String.fromCharCode(97 + (clock % 26)));
  encoding.writeVarUint(encoder, 0); // empty delete set
  return encoding.toUint8Array(encoder);
}

/** One typist's keystrokes, in order. */
export class KeystrokeSource {
  readonly client: number;
  #clock = 0;

  constructor(client: number) {
    this.client = client;
  }

  /** Clock of the next keystroke. */
  get clock(): number {
    return this.#clock;
  }

  next(): Uint8Array {
    return keystrokeUpdate(this.client, this.#clock++);
  }
}
