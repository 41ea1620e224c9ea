// A raw Hocuspocus protocol client: every message starts with the document
// name. Auth (an empty token) and sync step 1 on open, an empty step 2 in
// answer to the server's step 1, keystrokes as sync updates. Awareness, sync
// status acknowledgements and the rest are ignored.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { DeliverySink, RawClient } from '../system.ts';
import { EMPTY_STATE_VECTOR, EMPTY_UPDATE, RawConnection } from './raw-client.ts';

// @hocuspocus/server MessageType and AuthMessageType.
const SYNC = 0;
const AUTH = 2;
const CLOSE = 7;
const AUTH_TOKEN = 0;
const AUTH_DENIED = 1;
const STEP1 = 0;
const STEP2 = 1;
const UPDATE = 2;

function header(document: string, type: number): encoding.Encoder {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, document);
  encoding.writeVarUint(encoder, type);
  return encoder;
}

function syncFrame(document: string, type: number, payload: Uint8Array): Uint8Array {
  const encoder = header(document, SYNC);
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

export function connectHocuspocusRaw(wsUrl: string, document: string, client: number, sink: DeliverySink): Promise<RawClient> {
  const conn = new RawConnection(wsUrl, client, sink);
  const { ws } = conn;
  ws.on('open', () => {
    const auth = header(document, AUTH);
    encoding.writeVarUint(auth, AUTH_TOKEN);
    encoding.writeVarString(auth, '');
    ws.send(encoding.toUint8Array(auth));
    ws.send(syncFrame(document, STEP1, EMPTY_STATE_VECTOR));
  });
  ws.on('message', (data: Buffer) => {
    const decoder = decoding.createDecoder(data);
    decoding.readVarString(decoder);
    switch (decoding.readVarUint(decoder)) {
      case SYNC:
        switch (decoding.readVarUint(decoder)) {
          case STEP1:
            ws.send(syncFrame(document, STEP2, EMPTY_UPDATE));
            return;
          case STEP2:
            conn.markSynced((update) => ws.send(syncFrame(document, UPDATE, update)));
            return;
          case UPDATE:
            conn.delivered(decoding.readVarUint8Array(decoder));
            return;
        }
        return;
      case AUTH:
        if (decoding.readVarUint(decoder) === AUTH_DENIED) conn.fail(new Error(`denied: ${decoding.readVarString(decoder)}`));
        return;
      case CLOSE:
        conn.fail(new Error('closed by the server'));
        return;
    }
  });
  return conn.ready();
}
