// Every system the peer benchmark knows, by id.
import type { PeerSystem, SystemId } from '../system.ts';
import { atelier, atelierClient, atelierSocketIo } from './atelier.ts';
import { hocuspocus } from './hocuspocus.ts';
import { ySocketIo } from './ysocketio.ts';

export const SYSTEMS: Record<SystemId, PeerSystem> = {
  atelier,
  'atelier-client': atelierClient,
  'atelier-sio': atelierSocketIo,
  hocuspocus,
  'y-socket.io': ySocketIo,
};
