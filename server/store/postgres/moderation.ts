import type { ReportStatus, ReportTarget, ReportTargetType } from '../../../shared/social.ts';
import type { Row } from '../record-rows.ts';
import type { AuditRecord, ModerationStore, NewReport, ReportRecord, Resolution, SeqPage } from '../social.ts';
import { TARGET_TABLES, toAudit, toReport } from '../social-rows.ts';
import { type Pool, transaction } from './database.ts';
import { mustHave } from '../must-have.ts';

const FIRST = String(Number.MAX_SAFE_INTEGER);

export class PostgresModerationStore implements ModerationStore {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async #rows(sql: string, params: unknown[]): Promise<Row[]> {
    return (await this.#pool.query<Row>(sql, params)).rows;
  }

  async addReport(report: NewReport): Promise<{ report: ReportRecord; created: boolean }> {
    const { target } = report;
    const { rowCount } = await this.#pool.query(
      `INSERT INTO reports (id, reporter_id, target_type, target_id, reason, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (reporter_id, target_type, target_id) WHERE status = 'open' DO NOTHING`,
      [report.id, report.reporterId, target.type, target.id, report.reason, report.note, report.createdAt],
    );
    const [row] = await this.#rows(
      "SELECT * FROM reports WHERE reporter_id = $1 AND target_type = $2 AND target_id = $3 AND status = 'open'",
      [report.reporterId, target.type, target.id],
    );
    return { report: toReport(mustHave(row, 'report')), created: (rowCount ?? 0) > 0 };
  }

  async getReport(id: string): Promise<ReportRecord | null> {
    const [row] = await this.#rows('SELECT * FROM reports WHERE id = $1', [id]);
    return row ? toReport(row) : null;
  }

  async listReports(status: ReportStatus, page: { limit: number; cursor?: number }): Promise<ReportRecord[]> {
    const rows =
      status === 'open'
        ? await this.#rows("SELECT * FROM reports WHERE status = 'open' AND seq > $1::bigint ORDER BY seq ASC LIMIT $2", [
            page.cursor ?? 0,
            page.limit,
          ])
        : await this.#rows('SELECT * FROM reports WHERE status = $1 AND seq < $2::bigint ORDER BY seq DESC LIMIT $3', [
            status,
            page.cursor ?? FIRST,
            page.limit,
          ]);
    return rows.map(toReport);
  }

  async openReportsOf(target: ReportTarget): Promise<number> {
    const [row] = await this.#rows("SELECT count(*) AS n FROM reports WHERE target_type = $1 AND target_id = $2 AND status = 'open'", [
      target.type,
      target.id,
    ]);
    return Number(mustHave(row, 'count').n);
  }

  async resolve(reportId: string, r: Resolution, auditId: string): Promise<ReportRecord | null> {
    return transaction(this.#pool, async (client) => {
      const { rows } = await client.query<Row>('SELECT * FROM reports WHERE id = $1 FOR UPDATE', [reportId]);
      if (rows[0]?.status !== 'open') return null;
      const report = toReport(rows[0]);
      await client.query(
        `UPDATE reports SET status = $1, action = $2, resolved_at = $3, resolved_by = $4
         WHERE target_type = $5 AND target_id = $6 AND status = 'open'`,
        [r.status, r.action, r.at, r.by, report.target.type, report.target.id],
      );
      await client.query(
        'INSERT INTO moderation_audit (id, moderator_id, action, target_type, target_id, report_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [auditId, r.by, r.action, report.target.type, report.target.id, report.id, r.at],
      );
      const updated = await client.query<Row>('SELECT * FROM reports WHERE id = $1', [reportId]);
      return toReport(mustHave(updated.rows[0], 'report'));
    });
  }

  async listAudit(page: SeqPage): Promise<AuditRecord[]> {
    return (
      await this.#rows('SELECT * FROM moderation_audit WHERE seq < $1::bigint ORDER BY seq DESC LIMIT $2', [
        page.before ?? FIRST,
        page.limit,
      ])
    ).map(toAudit);
  }

  async setHidden(type: ReportTargetType, id: string, at: string | null): Promise<boolean> {
    if (type === 'user') return this.#setUser('hidden_at', id, at);
    const { rowCount } = await this.#pool.query(`UPDATE ${TARGET_TABLES[type]} SET hidden_at = $1 WHERE id = $2`, [at, id]);
    return (rowCount ?? 0) > 0;
  }

  async isHidden(type: ReportTargetType, id: string): Promise<boolean> {
    const sql =
      type === 'user'
        ? 'SELECT hidden_at FROM user_moderation WHERE user_id = $1'
        : `SELECT hidden_at FROM ${TARGET_TABLES[type]} WHERE id = $1`;
    const [row] = await this.#rows(sql, [id]);
    return row !== undefined && row.hidden_at !== null;
  }

  async setSuspended(userId: string, at: string | null): Promise<boolean> {
    return this.#setUser('suspended_at', userId, at);
  }

  async isSuspended(userId: string): Promise<boolean> {
    const [row] = await this.#rows('SELECT suspended_at FROM user_moderation WHERE user_id = $1', [userId]);
    return row !== undefined && row.suspended_at !== null;
  }

  async #setUser(column: 'hidden_at' | 'suspended_at', userId: string, at: string | null): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      `INSERT INTO user_moderation (${column}, user_id) SELECT $1, id FROM users WHERE id = $2
       ON CONFLICT (user_id) DO UPDATE SET ${column} = $1`,
      [at, userId],
    );
    return (rowCount ?? 0) > 0;
  }
}
