// Pre-encoded keystrokes: y-protocols sync "update" messages, one character
// each, as one client typing at the end of its own run of text.
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

export function keystrokeMessages(count: number, clientId: number, root = 'prompt'): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const messages: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => {
    const encoder = encoding.createEncoder();
    syncProtocol.writeUpdate(encoder, update);
    messages.push(encoding.toUint8Array(encoder));
  });
  const text = doc.getText(root);
  for (let i = 0; i < count; i++) text.insert(text.length, String.fromCharCode(97 + (i % 26)));
  doc.destroy();
  return messages;
}
