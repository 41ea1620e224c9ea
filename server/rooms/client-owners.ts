// Who may write under each Yjs client id of a room. Structs carry their
// client id, and Yjs trusts it: an editor writing under someone else's id at
// that client's next clock makes the owner's own next edits duplicates that
// are dropped, and the replicas diverge for good. So the first user to write
// under an id owns it, in this room, durably (room_clients, claimed in the
// same commit as the update's append); the same user may reuse it after
// reconnecting, on any node; anyone else is refused. Deleting others' content
// is not writing under their id and stays allowed.
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import type * as Y from 'yjs';
import type { ClientClaim } from '../store/doc-log.ts';
import type { UpdateOrigin } from './origin.ts';
import { UpdateGap } from './update-check/check-update.ts';

/** The owner recorded for a room's own client id (server-made changes: generation results, titles). */
export const SERVER_OWNER = '@server';

export interface ClaimSource {
  /** Claims known when the room loaded. */
  initial: readonly ClientClaim[];
  /** Every claim of the room, as stored now (other nodes claim too). */
  load(): Promise<ClientClaim[]>;
  /**
   * With several nodes: claims a new id in the store before any update under
   * it applies, answering its stored owner. Two nodes racing for one id then
   * agree on who won; without it, each node's claim rides with its append.
   */
  claimFirst?(claim: ClientClaim): Promise<string>;
}

export const NO_CLAIMS: ClaimSource = { initial: [], load: async () => [] };

export class ClientOwners {
  readonly #owners = new Map<number, string>();
  /**
   * Client ids the doc held when the claims were last loaded: one of them
   * with no claim was written before claims existed, or by another node's
   * server, and may be claimed; one the doc gained since (relayed from
   * another node, whose claim that node stored first) is looked up first.
   */
  #checked = new Set<number>();
  #loading: Promise<void> | null = null;
  /** Ids being claimed in the store (claimFirst), and the callbacks waiting for the answer. */
  readonly #claiming = new Map<number, Array<() => void>>();
  readonly #source: ClaimSource;
  readonly #doc: Y.Doc;
  readonly #logger: Logger;
  /** Whether the doc's own client id has been claimed for the server in the log. */
  #serverClaimed = false;

  /** `doc`: the room's, loaded (its client ids are the ones the initial claims cover). */
  constructor(source: ClaimSource, doc: Y.Doc, logger: Logger) {
    this.#source = source;
    this.#doc = doc;
    this.#logger = logger;
    for (const claim of source.initial) this.#owners.set(claim.clientId, claim.userId);
    this.#checked = new Set(doc.store.clients.keys());
    // The copy's own id (server-made changes) is nobody else's, from the start.
    this.#owners.set(doc.clientID, SERVER_OWNER);
  }

  /** The claim stored with this copy's first server-made change (none for other origins). */
  serverClaims(origin: UpdateOrigin): ClientClaim[] {
    if (origin.source !== 'server' || this.#serverClaimed) return [];
    this.#serverClaimed = true;
    return [{ clientId: this.#doc.clientID, userId: SERVER_OWNER }];
  }

  /**
   * The claims `userId` makes by writing under `writers` (the client ids an
   * update creates structs for). Throws, claiming nothing, when one belongs to
   * someone else (`forbidden`), or is in the doc with an owner not yet known
   * here (`unavailable`; `loaded` is called once the claims are loaded, so
   * the sender can be asked again).
   */
  claimsFor(writers: readonly number[], userId: string, loaded: () => void): ClientClaim[] {
    const claims: ClientClaim[] = [];
    for (const clientId of writers) {
      const owner = this.#owners.get(clientId);
      if (owner === userId) continue;
      if (owner !== undefined) throw new AppError('forbidden', `client id ${clientId} belongs to another participant of this room`);
      if (!this.#checked.has(clientId) && this.#doc.store.clients.has(clientId)) {
        this.#reload(loaded);
        // A healing refusal (connection.ts): the room asks for it again once the owner is known.
        throw new AppError('unavailable', `checking who owns client id ${clientId}; it will be asked for again`, {
          cause: new UpdateGap(`the owner of client id ${clientId} is being looked up`),
        });
      }
      if (this.#source.claimFirst) {
        this.#claimFirst(this.#source.claimFirst, { clientId, userId }, loaded);
        throw new AppError('unavailable', `claiming client id ${clientId}; it will be asked for again`, {
          cause: new UpdateGap(`client id ${clientId} is being claimed`),
        });
      }
      claims.push({ clientId, userId });
    }
    return claims;
  }

  /** Records claims made here (after their update applied). */
  record(claims: readonly ClientClaim[]): void {
    for (const claim of claims) if (!this.#owners.has(claim.clientId)) this.#owners.set(claim.clientId, claim.userId);
  }

  #claimFirst(claimFirst: (claim: ClientClaim) => Promise<string>, claim: ClientClaim, loaded: () => void): void {
    const waiting = this.#claiming.get(claim.clientId);
    if (waiting) {
      waiting.push(loaded);
      return;
    }
    const callbacks = [loaded];
    this.#claiming.set(claim.clientId, callbacks);
    claimFirst(claim)
      .then(
        (owner) => {
          this.#owners.set(claim.clientId, owner);
        },
        (err: unknown) => this.#logger.error({ err, clientId: claim.clientId }, 'could not claim a client id'),
      )
      .finally(() => {
        this.#claiming.delete(claim.clientId);
        for (const callback of callbacks) callback();
      });
  }

  #reload(loaded: () => void): void {
    if (!this.#loading) {
      const present = [...this.#doc.store.clients.keys()];
      this.#loading = this.#source
        .load()
        .then(
          (claims) => {
            // Stored claims win over anything cached: the store kept the first.
            for (const claim of claims) this.#owners.set(claim.clientId, claim.userId);
            for (const clientId of present) this.#checked.add(clientId);
          },
          (err: unknown) => this.#logger.error({ err }, 'could not load client id claims'),
        )
        .finally(() => {
          this.#loading = null;
        });
    }
    void this.#loading.then(loaded);
  }
}
