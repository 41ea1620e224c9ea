// Structure-level mutations of Socket.IO events: the recorded events with
// arguments of the wrong type, objects whose keys shadow Object.prototype,
// huge numbers and strings, nested arrays, missing or extra arguments, no
// acknowledgement where one is expected, and events nobody handles.
import type { Random } from './random.ts';

export const ARG_MUTATIONS = [
  'replay',
  'wrong-type',
  'prototype-keys',
  'huge',
  'nested',
  'drop-arg',
  'extra-args',
  'no-ack',
  'any-event',
  'bytes',
] as const;
export type ArgMutation = (typeof ARG_MUTATIONS)[number];

/** Every event a client may send, and some it may not. */
export const EVENTS = [
  'room:join',
  'room:leave',
  'yjs:sync',
  'yjs:awareness',
  'gen:start',
  'gen:cancel',
  'work:publish',
  'gallery:subscribe',
  'gallery:unsubscribe',
  'work:subscribe',
  'work:unsubscribe',
  'live:subscribe',
  'room:request-edit',
  'room:grant',
  'room:error',
  'disconnecting',
  '__proto__',
  'constructor',
  'toString',
] as const;

/** Own properties named like Object.prototype's (JSON.parse makes `__proto__` an own key). */
const prototypeKeyed = (): unknown[] => [
  JSON.parse('{"__proto__":{"polluted":true}}'),
  { toString: 'x' },
  { toString: 'x', valueOf: 'y' },
  { constructor: { prototype: { polluted: true } } },
  { hasOwnProperty: 1 },
  // A thenable on purpose: a handler that awaits its argument must not call it.
  JSON.parse('{"then":"x"}'),
  { length: 1e9 },
  JSON.parse('{"invite":{"__proto__":{"toString":1}}}'),
];

/** A value of any type, shape or size a handler might not expect. */
export function hostileValue(random: Random): unknown {
  switch (random.int(0, 9)) {
    case 0:
      return random.pick([null, true, false, 0, -1, 1.5, -0]);
    case 1:
      return random.pick([1e308, -1e308, 2 ** 53, 2 ** 64, Number.MAX_SAFE_INTEGER + 2, 4294967296]);
    case 2:
      return random.pick([
        '',
        ' ',
        '\u0000',
        '😀'.repeat(10),
        '../../etc/passwd',
        '%00',
        'room:'.repeat(20),
        'half \ud83c',
        'next\u0085line',
        'photo\u202egnp.exe',
        'Cafe\u0301',
      ]);
    case 3:
      return 'x'.repeat(random.pick([65, 1024, 65_536, 200_000]));
    case 4:
      return random.pick(prototypeKeyed());
    case 5:
      return nested(random.int(2, random.chance(0.2) ? 400 : 20));
    case 6:
      return Array.from({ length: random.int(0, 50) }, () => random.int(0, 255));
    case 7:
      return new Uint8Array(random.pick([0, 1, 3, 1024]));
    case 8:
      return { roomId: 'x', invite: 1, title: null, description: [], tags: Array(20).fill('t'), prompt: {}, count: 1e9 };
    default:
      return {};
  }
}

function nested(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

export interface Emission {
  event: string;
  args: unknown[];
  /** Pass an acknowledgement callback. */
  ack: boolean;
  kind: ArgMutation;
}

/** Mutates one recorded event. `bytes` mutates a binary argument (mutate-bytes.ts). */
export function mutateArgs(
  random: Random,
  recorded: { event: string; args: unknown[]; ack: boolean },
  mutateBinary: (bytes: Uint8Array) => Uint8Array,
): Emission {
  const kind = random.pick(ARG_MUTATIONS);
  const args = [...recorded.args];
  const index = () => random.int(0, Math.max(0, args.length - 1));
  let { event, ack } = recorded;
  switch (kind) {
    case 'replay':
      break;
    case 'wrong-type':
      args[index()] = hostileValue(random);
      break;
    case 'prototype-keys':
      args[index()] = random.pick(prototypeKeyed());
      break;
    case 'huge':
      args[index()] = random.chance(0.5) ? 'x'.repeat(random.int(65, 300_000)) : random.pick([1e308, 2 ** 64, -(2 ** 63)]);
      break;
    case 'nested':
      args[index()] = nested(random.int(10, 500));
      break;
    case 'drop-arg':
      args.splice(index(), 1);
      break;
    case 'extra-args':
      for (let i = random.int(1, 5); i > 0; i--) args.push(hostileValue(random));
      break;
    case 'no-ack':
      ack = !ack;
      break;
    case 'any-event':
      event = random.pick(EVENTS);
      for (let i = random.int(0, 3); i > 0; i--) args.push(hostileValue(random));
      ack = random.chance(0.5);
      break;
    case 'bytes': {
      const at = args.findIndex((a) => a instanceof Uint8Array);
      if (at >= 0) args[at] = mutateBinary(args[at] as Uint8Array);
      break;
    }
  }
  // A client that lies about the room is as likely as one that does not.
  if (random.chance(0.05)) args[0] = hostileValue(random);
  return { event, args, ack, kind };
}
