import { sql } from '../../db/tenant.ts';
import type { NewTicket, TicketEscalation, TicketSystem } from '../ports.ts';

/**
 * The product's own tickets (`internal_tickets`), written in the caller's tenant transaction.
 * Whether a ticket is being walked is not stored: it is read from its active walk (tickets.ts).
 */
export class InternalTickets implements TicketSystem {
  async open(t: NewTicket): Promise<{ id: string }> {
    const { rows } = await sql<{ id: string }>(
      `INSERT INTO internal_tickets (account_id, customer_name, customer_contact, problem_statement, status, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'open', $5, $6, $6) RETURNING id`,
      [t.accountId, t.customerName, t.customerContact, t.problemStatement, t.createdBy, t.at],
      'ticket_open',
    );
    return rows[0]!;
  }

  async openEscalated(t: NewTicket, e: TicketEscalation): Promise<{ id: string }> {
    const { rows } = await sql<{ id: string }>(
      `INSERT INTO internal_tickets (account_id, customer_name, customer_contact, problem_statement, status, created_by,
         escalation_reason_category, escalation_reason, handoff, escalated_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'escalated', $5, $6, $7, $8, $9, $9, $9) RETURNING id`,
      [t.accountId, t.customerName, t.customerContact, t.problemStatement, t.createdBy, e.reasonCategory, e.reason, e.handoff, e.at],
    );
    return rows[0]!;
  }

  async resolve(ticketId: string, r: { resolutionNotes: string; at: Date }): Promise<void> {
    await sql(
      `UPDATE internal_tickets SET status = 'resolved', resolution_notes = $2, resolved_at = $3, updated_at = $3 WHERE id = $1`,
      [ticketId, r.resolutionNotes, r.at],
      'ticket_resolve',
    );
  }

  async escalate(ticketId: string, e: TicketEscalation): Promise<void> {
    await sql(
      `UPDATE internal_tickets SET status = 'escalated', escalation_reason_category = $2, escalation_reason = $3, handoff = $4,
         escalated_at = $5, updated_at = $5
       WHERE id = $1`,
      [ticketId, e.reasonCategory, e.reason, e.handoff, e.at],
    );
  }
}
