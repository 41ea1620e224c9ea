// GET /api/account/export: everything the server holds about the caller, as
// one JSON document. Later features add sections of their own (comments,
// follows) with `section`.
import type { AccountExport } from '../../shared/accounts.ts';
import { toPasskeyInfo } from '../auth/passkeys.ts';
import { toIdentityInfo } from '../auth/oidc.ts';
import { toSessionUser } from '../auth/users.ts';
import { toWork } from '../gallery/work-view.ts';
import type { AccountStore } from '../store/accounts.ts';
import type { GalleryStore } from '../store/gallery.ts';
import type { LiveStore } from '../store/live.ts';
import type { RecordStore } from '../store/records.ts';
import type { SessionStore } from '../store/sessions.ts';
import { AppError } from '../errors.ts';

export type ExportSection = (userId: string) => Promise<unknown>;

export interface AccountExporterDeps {
  records: RecordStore;
  accounts: AccountStore;
  sessions: SessionStore;
  gallery: GalleryStore;
  live: Pick<LiveStore, 'revocationsOf'>;
}

/** Works read per query while exporting. */
const WORKS_PAGE = 200;
const CORE_SECTIONS = new Set([
  'exportedAt',
  'format',
  'version',
  'profile',
  'sessions',
  'passkeys',
  'identities',
  'works',
  'likes',
  'roomsOwned',
  'memberships',
  'revocations',
  'comments',
  'follows',
  'blocks',
  'notificationSettings',
  'notifications',
  'reports',
]);

export class AccountExporter {
  readonly #d: AccountExporterDeps;
  readonly #sections = new Map<string, ExportSection>();

  constructor(deps: AccountExporterDeps) {
    this.#d = deps;
  }

  /** Adds a section named `name` to every export. */
  section(name: string, read: ExportSection): void {
    if (CORE_SECTIONS.has(name) || this.#sections.has(name)) throw new Error(`export section "${name}" exists already`);
    this.#sections.set(name, read);
  }

  async export(userId: string): Promise<AccountExport> {
    const { records, accounts, sessions, gallery, live } = this.#d;
    const user = await records.getUser(userId);
    if (!user || user.deletedAt !== null) throw new AppError('not_found', 'no such account');
    const now = new Date().toISOString();
    const rows = await accounts.exportRows(userId);
    const works = [];
    for (let before: number | undefined; ; ) {
      const page = await gallery.listWorksByAuthor(userId, WORKS_PAGE, before);
      works.push(...page.map((record) => toWork(record)));
      const last = page.at(-1);
      if (page.length < WORKS_PAGE || !last) break;
      before = last.seq;
    }
    const result: AccountExport = {
      exportedAt: now,
      format: 'atelier-account-export',
      version: 1,
      profile: { ...toSessionUser(user), createdAt: user.createdAt },
      sessions: (await sessions.listSessions(userId, now)).map(({ id, createdAt, lastSeenAt, userAgent }) => ({
        id,
        createdAt,
        lastSeenAt,
        userAgent,
      })),
      passkeys: (await accounts.listPasskeys(userId)).map(toPasskeyInfo),
      identities: (await accounts.listIdentities(userId)).map(toIdentityInfo),
      works,
      likes: rows.likes,
      roomsOwned: rows.roomsOwned,
      memberships: rows.memberships,
      revocations: await live.revocationsOf(userId),
      comments: rows.comments,
      follows: rows.follows,
      blocks: rows.blocks,
      notificationSettings: rows.notificationSettings,
      notifications: rows.notifications,
      reports: rows.reports,
    };
    for (const [name, read] of this.#sections) result[name] = await read(userId);
    return result;
  }
}
