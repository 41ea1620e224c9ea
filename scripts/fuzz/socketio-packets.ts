// Socket.IO packets by hand, as socket.io-parser encodes them over engine.io's
// WebSocket (`4` message + `<type>[<n>-][<nsp>,][<ack id>]<json>`, then n binary
// frames), and mutations below the JSON: the packet's text, its type, its
// attachment count, its namespace, frames without a header.
import type { Emission } from './mutate-args.ts';
import { mutateBytes } from './mutate-bytes.ts';
import type { Random } from './random.ts';

export interface EncodedPacket {
  text: string;
  attachments: Uint8Array[];
}

const EVENT = 2;
const BINARY_EVENT = 5;

export function encodeSocketIoPacket(emission: Emission, ackId: number): EncodedPacket {
  const attachments: Uint8Array[] = [];
  const json = JSON.stringify([emission.event, ...emission.args], (_key, value: unknown) => {
    if (value instanceof Uint8Array) {
      attachments.push(value);
      return { _placeholder: true, num: attachments.length - 1 };
    }
    return value;
  });
  const id = emission.ack ? String(ackId) : '';
  const header = attachments.length > 0 ? `4${BINARY_EVENT}${attachments.length}-` : `4${EVENT}`;
  return { text: `${header}${id}${json}`, attachments };
}

export const PACKET_MUTATIONS = ['structured', 'text-bytes', 'packet-type', 'attachment-count', 'namespace', 'headless-binary'] as const;
export type PacketMutation = (typeof PACKET_MUTATIONS)[number];

export function mutatePacket(
  random: Random,
  packet: EncodedPacket,
  others: readonly Uint8Array[],
): { frames: (string | Uint8Array)[]; kind: PacketMutation } {
  const kind = random.pick(PACKET_MUTATIONS);
  const { text, attachments } = packet;
  switch (kind) {
    case 'structured':
      return { frames: [text, ...attachments], kind };
    case 'text-bytes': {
      const { bytes } = mutateBytes(random, new TextEncoder().encode(text), []);
      // As text, so invalid UTF-8 reaches ws's own check, and as the parser sees it otherwise.
      return { frames: [random.chance(0.8) ? Buffer.from(bytes).toString('latin1') : Buffer.from(bytes).toString(), ...attachments], kind };
    }
    case 'packet-type': {
      // Engine.io types 0–6 and Socket.IO types 0–6, and beyond.
      const head = `${random.int(0, 9)}${random.int(0, 9)}`;
      return { frames: [head + text.slice(2), ...attachments], kind };
    }
    case 'attachment-count': {
      const claimed = random.pick([0, 1, 2, 10, 1000, -1]);
      const body = text.replace(/^45\d+-/, '45').replace(/^42/, '45');
      return { frames: [`45${claimed}-${body.slice(2)}`, ...attachments.slice(0, random.int(0, attachments.length))], kind };
    }
    case 'namespace': {
      const nsp = random.pick(['/admin', '/', '/x'.repeat(100), '/%00', '/socket.io']);
      return { frames: [`${text.slice(0, 2)}${nsp},${text.slice(2)}`, ...attachments], kind };
    }
    case 'headless-binary':
      return { frames: [others.length > 0 ? random.pick(others) : random.bytes(16)], kind };
  }
}
