// Who may write under each Yjs client id of a room. Structs carry their
// client id, and Yjs trusts it: an editor writing under someone else's id at
// that client's next clock makes the owner's own next edits duplicates that
// are dropped, and the replicas diverge for good. So the first user to write
// under an id owns it, in this room, durably (room_clients, claimed in the
// same commit as the update's append); the same user may reuse it after
// reconnecting, on any node; anyone else is refused, even when all they send
// under it is structs the room holds already (a no-op, but a lie). Deleting
// others' content is not writing under their id and stays allowed. (An honest
// step 2 answering a node that lagged behind its relay carries others' structs
// too: refused all the same, it is asked for again, sessions/connection.ts.)
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

/**
 * An update refused for now because an id it writes under is being claimed or
 * looked up: `settled` resolves to the id's owner once known (undefined when
 * the store could not say), so whoever holds the update can judge it as it was
 * sent and offer it again then (sessions/held-updates.ts).
 */
export class ClaimPending extends UpdateGap {
  override name = 'ClaimPending';
  readonly clientId: number;
  /** Who sent the update. */
  readonly userId: string;
  readonly settled: Promise<string | undefined>;

  constructor(message: string, claim: ClientClaim, settled: Promise<string | undefined>) {
    super(message);
    this.clientId = claim.clientId;
    this.userId = claim.userId;
    this.settled = settled;
  }
}

/**
 * The cause of a refusal for structs under an id someone else owns: what the
 * sender's connection may answer, with several nodes, by asking again once the
 * relay has caught up (sessions/connection.ts).
 */
export class OwnedByAnother extends Error {
  override name = 'OwnedByAnother';
  readonly clientId: number;

  constructor(clientId: number) {
    super(`client id ${clientId} is owned by another participant`);
    this.clientId = clientId;
  }
}

/** The refusal of an update under an id someone else owns. */
export function belongsToAnother(clientId: number): AppError {
  return new AppError('forbidden', `client id ${clientId} belongs to another participant of this room`, {
    cause: new OwnedByAnother(clientId),
  });
}

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
  /** Ids being claimed in the store (claimFirst): settled once the owner is known. */
  readonly #claiming = new Map<number, Promise<string | undefined>>();
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
   * The claims `userId` makes by sending `ids.writers` (client ids it creates
   * structs for) and `ids.echoes` (ids whose structs it sends again, all held
   * already). Throws, claiming nothing, when one belongs to someone else
   * (`forbidden`): an echo changes nothing, but a client that sends another's
   * structs as its own lies, and the rule refuses the lie whatever it costs.
   * Also throws when an id's owner is not known here yet: in the doc already,
   * or new with several nodes (`unavailable`, its cause a ClaimPending saying
   * when to offer the update again; `loaded` is called then too, so the sender
   * can be asked again). An echo of an id nobody claimed (written before
   * claims existed) passes and claims nothing: it writes nothing.
   */
  claimsFor(ids: { writers: readonly number[]; echoes: readonly number[] }, userId: string, loaded: () => void): ClientClaim[] {
    // Someone else's id refuses the update before any lookup or claim starts.
    for (const clientId of ids.echoes) this.#refuseIfAnothers(clientId, userId);
    for (const clientId of ids.writers) this.#refuseIfAnothers(clientId, userId);
    for (const clientId of ids.echoes) {
      if (!this.#owners.has(clientId) && !this.#checked.has(clientId)) throw this.#lookUp(clientId, userId, loaded);
    }
    const claims: ClientClaim[] = [];
    for (const clientId of ids.writers) {
      if (this.#owners.get(clientId) === userId) continue;
      if (!this.#checked.has(clientId) && this.#doc.store.clients.has(clientId)) throw this.#lookUp(clientId, userId, loaded);
      if (this.#source.claimFirst) {
        const settled = this.#claimFirst(this.#source.claimFirst, { clientId, userId }, loaded);
        throw new AppError('unavailable', `claiming client id ${clientId}; it will be asked for again`, {
          cause: new ClaimPending(`client id ${clientId} is being claimed`, { clientId, userId }, settled),
        });
      }
      claims.push({ clientId, userId });
    }
    return claims;
  }

  #refuseIfAnothers(clientId: number, userId: string): void {
    const owner = this.#owners.get(clientId);
    if (owner !== undefined && owner !== userId) throw belongsToAnother(clientId);
  }

  /** The refusal of an update under an id the doc holds whose owner this node does not know yet (another node wrote it). */
  #lookUp(clientId: number, userId: string, loaded: () => void): AppError {
    const settled = this.#reload(loaded).then(() => this.#owners.get(clientId));
    // Held by the sender's connection until settled (sessions/held-updates.ts); past its wait, a healing refusal.
    return new AppError('unavailable', `checking who owns client id ${clientId}; it will be asked for again`, {
      cause: new ClaimPending(`the owner of client id ${clientId} is being looked up`, { clientId, userId }, settled),
    });
  }

  /** Records claims made here (after their update applied). */
  record(claims: readonly ClientClaim[]): void {
    for (const claim of claims) if (!this.#owners.has(claim.clientId)) this.#owners.set(claim.clientId, claim.userId);
  }

  #claimFirst(claimFirst: (claim: ClientClaim) => Promise<string>, claim: ClientClaim, loaded: () => void): Promise<string | undefined> {
    let settled = this.#claiming.get(claim.clientId);
    if (!settled) {
      settled = claimFirst(claim)
        .then(
          (owner): string | undefined => {
            this.#owners.set(claim.clientId, owner);
            return owner;
          },
          (err: unknown) => {
            this.#logger.error({ err, clientId: claim.clientId }, 'could not claim a client id');
            return undefined;
          },
        )
        .finally(() => {
          this.#claiming.delete(claim.clientId);
        });
      this.#claiming.set(claim.clientId, settled);
    }
    void settled.then(loaded);
    return settled;
  }

  #reload(loaded: () => void): Promise<void> {
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
    return this.#loading;
  }
}
