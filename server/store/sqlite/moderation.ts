import type { ReportStatus, ReportTarget, ReportTargetType } from '../../../shared/social.ts';
import type { AuditRecord, ModerationStore, NewReport, ReportRecord, Resolution, SeqPage } from '../social.ts';
import { TARGET_TABLES, toAudit, toReport } from '../social-rows.ts';
import type { StatementSync } from 'node:sqlite';
import { type Db, transaction } from './database.ts';
import { mustHave } from '../must-have.ts';

const FIRST = Number.MAX_SAFE_INTEGER;

export class SqliteModerationStore implements ModerationStore {
  readonly #db: Db;
  readonly #s;

  constructor(db: Db) {
    this.#db = db;
    const byTable = (sql: (table: string) => string, user: string) => ({
      ...(Object.fromEntries(Object.entries(TARGET_TABLES).map(([type, table]) => [type, db.prepare(sql(table))])) as Record<
        keyof typeof TARGET_TABLES,
        StatementSync
      >),
      user: db.prepare(user),
    });
    this.#s = {
      addReport: db.prepare(
        `INSERT INTO reports (id, reporter_id, target_type, target_id, reason, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (reporter_id, target_type, target_id) WHERE status = 'open' DO NOTHING`,
      ),
      openOf: db.prepare("SELECT * FROM reports WHERE reporter_id = ? AND target_type = ? AND target_id = ? AND status = 'open'"),
      get: db.prepare('SELECT * FROM reports WHERE id = ?'),
      list: db.prepare('SELECT * FROM reports WHERE status = ? AND seq < ? ORDER BY seq DESC LIMIT ?'),
      listOpen: db.prepare("SELECT * FROM reports WHERE status = 'open' AND seq > ? ORDER BY seq ASC LIMIT ?"),
      openCount: db.prepare("SELECT count(*) AS n FROM reports WHERE target_type = ? AND target_id = ? AND status = 'open'"),
      resolve: db.prepare(
        `UPDATE reports SET status = ?, action = ?, resolved_at = ?, resolved_by = ?
         WHERE target_type = ? AND target_id = ? AND status = 'open'`,
      ),
      audit: db.prepare(
        'INSERT INTO moderation_audit (id, moderator_id, action, target_type, target_id, report_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      listAudit: db.prepare('SELECT * FROM moderation_audit WHERE seq < ? ORDER BY seq DESC LIMIT ?'),
      setHidden: byTable(
        (table) => `UPDATE ${table} SET hidden_at = ? WHERE id = ?`,
        `INSERT INTO user_moderation (hidden_at, user_id) SELECT ?1, id FROM users WHERE id = ?2
         ON CONFLICT (user_id) DO UPDATE SET hidden_at = ?1`,
      ),
      isHidden: byTable(
        (table) => `SELECT hidden_at FROM ${table} WHERE id = ?`,
        'SELECT hidden_at FROM user_moderation WHERE user_id = ?',
      ),
      setSuspended: db.prepare(
        `INSERT INTO user_moderation (suspended_at, user_id) SELECT ?1, id FROM users WHERE id = ?2
         ON CONFLICT (user_id) DO UPDATE SET suspended_at = ?1`,
      ),
      isSuspended: db.prepare('SELECT suspended_at FROM user_moderation WHERE user_id = ?'),
    };
  }

  async addReport(report: NewReport): Promise<{ report: ReportRecord; created: boolean }> {
    const s = this.#s;
    return transaction(this.#db, () => {
      const { target } = report;
      const created =
        Number(
          s.addReport.run(report.id, report.reporterId, target.type, target.id, report.reason, report.note, report.createdAt).changes,
        ) > 0;
      return { report: toReport(mustHave(s.openOf.get(report.reporterId, target.type, target.id), 'report')), created };
    });
  }

  async getReport(id: string): Promise<ReportRecord | null> {
    const row = this.#s.get.get(id);
    return row ? toReport(row) : null;
  }

  async listReports(status: ReportStatus, page: { limit: number; cursor?: number }): Promise<ReportRecord[]> {
    const rows =
      status === 'open' ? this.#s.listOpen.all(page.cursor ?? 0, page.limit) : this.#s.list.all(status, page.cursor ?? FIRST, page.limit);
    return rows.map(toReport);
  }

  async openReportsOf(target: ReportTarget): Promise<number> {
    return Number(mustHave(this.#s.openCount.get(target.type, target.id), 'count').n);
  }

  async resolve(reportId: string, r: Resolution, auditId: string): Promise<ReportRecord | null> {
    const s = this.#s;
    return transaction(this.#db, () => {
      const row = s.get.get(reportId);
      if (row?.status !== 'open') return null;
      const report = toReport(row);
      s.resolve.run(r.status, r.action, r.at, r.by, report.target.type, report.target.id);
      s.audit.run(auditId, r.by, r.action, report.target.type, report.target.id, report.id, r.at);
      return toReport(mustHave(s.get.get(reportId), 'report'));
    });
  }

  async listAudit(page: SeqPage): Promise<AuditRecord[]> {
    return this.#s.listAudit.all(page.before ?? FIRST, page.limit).map(toAudit);
  }

  async setHidden(type: ReportTargetType, id: string, at: string | null): Promise<boolean> {
    return Number(this.#s.setHidden[type].run(at, id).changes) > 0;
  }

  async isHidden(type: ReportTargetType, id: string): Promise<boolean> {
    const row = this.#s.isHidden[type].get(id);
    return row !== undefined && row.hidden_at !== null;
  }

  async setSuspended(userId: string, at: string | null): Promise<boolean> {
    return Number(this.#s.setSuspended.run(at, userId).changes) > 0;
  }

  async isSuspended(userId: string): Promise<boolean> {
    const row = this.#s.isSuspended.get(userId);
    return row !== undefined && row.suspended_at !== null;
  }
}
