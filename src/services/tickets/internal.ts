import type { NewTicketSql, TicketEscalationSql, TicketSystem } from '../ports.ts';

/**
 * The product's own tickets (`internal_tickets`), written by the walk statement that changes them.
 * Whether a ticket is being walked is not stored: it is read from its active walk (tickets.ts).
 * Rows are reached by primary key: joined through the walk instead, an update went through the RLS
 * account index, and the plan cached while the table was small scanned the account's tickets as it
 * grew (bench: 5.5 ms of Postgres time per resolve, ~0.5 ms by key).
 */
export class InternalTickets implements TicketSystem {
  open(name: string, t: NewTicketSql): string {
    return `${name} AS (
       INSERT INTO internal_tickets (account_id, customer_name, customer_contact, problem_statement, status, created_by, created_at, updated_at)
       SELECT ${t.accountId}, ${t.customerName}, ${t.customerContact}, ${t.problemStatement}, 'open', ${t.createdBy}, ${t.at}, ${t.at}
       FROM ${t.from} RETURNING id
     )`;
  }

  openEscalated(name: string, t: NewTicketSql, e: TicketEscalationSql): string {
    return `${name} AS (
       INSERT INTO internal_tickets (account_id, customer_name, customer_contact, problem_statement, status, created_by,
         escalation_reason_category, escalation_reason, handoff, escalated_at, created_at, updated_at)
       SELECT ${t.accountId}, ${t.customerName}, ${t.customerContact}, ${t.problemStatement}, 'escalated', ${t.createdBy},
         ${e.reasonCategory}, ${e.reason}, ${e.handoff}, ${e.at}, ${t.at}, ${t.at}
       FROM ${t.from} RETURNING id
     )`;
  }

  resolve(name: string, ticketId: string, r: { resolutionNotes: string; at: string }): string {
    return `${name} AS (
       UPDATE internal_tickets SET status = 'resolved', resolution_notes = ${r.resolutionNotes}, resolved_at = ${r.at}, updated_at = ${r.at}
       WHERE internal_tickets.id = ${ticketId} RETURNING internal_tickets.id
     )`;
  }

  escalate(name: string, ticketId: string, e: TicketEscalationSql): string {
    return `${name} AS (
       UPDATE internal_tickets SET status = 'escalated', escalation_reason_category = ${e.reasonCategory},
         escalation_reason = ${e.reason}, handoff = ${e.handoff}, escalated_at = ${e.at}, updated_at = ${e.at}
       WHERE internal_tickets.id = ${ticketId} RETURNING internal_tickets.id
     )`;
  }
}
