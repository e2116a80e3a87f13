import type { PrincipalName, Principals } from './helpers/principals.ts';

/**
 * Who may call each root field (DESIGN §2). `allow` lists the principals that pass; everyone else
 * must get FORBIDDEN or UNAUTHENTICATED. Arguments are chosen so an allowed call changes nothing
 * of consequence (unknown ids, invalid input). A field missing here fails the matrix test.
 */
export interface MatrixEntry {
  kind?: 'subscription';
  op: string;
  vars?: Record<string, unknown> | ((p: Principals) => Record<string, unknown>);
  allow: readonly PrincipalName[];
}

const NOBODY_ID = '00000000-0000-4000-8000-000000000000';
const USERS = ['owner', 'admin', 'engineer', 'coverer', 'l1_tech', 'viewer'] as const;
const EVERYONE = [...USERS, 'anonymous', 'apiToken'] as const;
const MANAGERS = ['owner', 'admin'] as const;
const OWNER = ['owner'] as const;
/** l1OrCoverage: the whole L1 surface. */
const L1 = ['owner', 'admin', 'coverer', 'l1_tech'] as const;
/** l1OrAbove: shared reads such as the flow library (not viewers). */
const L1_OR_ABOVE = ['owner', 'admin', 'engineer', 'coverer', 'l1_tech'] as const;
/** engineerOrAdmin: authoring, review, escalations. */
const ENGINEERS = ['owner', 'admin', 'engineer', 'coverer'] as const;
const id = { id: NOBODY_ID };

export const MATRIX: Record<string, MatrixEntry> = {
  // identity and accounts
  'query.me': { op: '{ me { id } }', allow: USERS },
  'query.users': { op: '{ users { id } }', allow: MANAGERS },
  'query.invites': { op: '{ invites { id } }', allow: MANAGERS },
  'query.l1Categories': { op: '{ l1Categories { enabled { key } } }', allow: MANAGERS },
  'query.apiTokens': { op: '{ apiTokens { id } }', allow: MANAGERS },
  'query.auditLog': { op: '{ auditLog { id } }', allow: MANAGERS },
  'query.seatUsage': { op: '{ seatUsage { engineer { current } } }', allow: ['owner', 'admin', 'engineer', 'coverer', 'apiToken'] },
  'mutation.login': { op: 'mutation { login(email: "nobody@example.test", password: "wrong-password") { __typename } }', allow: EVERYONE },
  'mutation.refreshSession': { op: 'mutation { refreshSession(refreshToken: "garbage") { __typename } }', allow: EVERYONE },
  'mutation.logout': { op: 'mutation { logout }', allow: EVERYONE },
  'mutation.acceptInvite': {
    op: 'mutation { acceptInvite(token: "inv_unknownunknownunknown", name: "N", password: "long-enough-pw") { __typename } }',
    allow: EVERYONE,
  },
  'mutation.revokeSessions': { op: 'mutation { revokeSessions(scope: OTHERS) { revoked } }', allow: OWNER },
  'mutation.updateSessionPolicy': { op: 'mutation { updateSessionPolicy(idleSeconds: 60) { __typename } }', allow: OWNER },
  'mutation.setUserCoverage': {
    op: 'mutation($id: ID!) { setUserCoverage(userId: $id, canCoverL1: true) { __typename } }',
    vars: { id: NOBODY_ID },
    allow: OWNER,
  },
  'mutation.changeUserRole': {
    op: 'mutation($id: ID!) { changeUserRole(userId: $id, role: VIEWER) { __typename } }',
    vars: { id: NOBODY_ID },
    allow: MANAGERS,
  },
  'mutation.deactivateUser': {
    op: 'mutation($id: ID!) { deactivateUser(userId: $id) { __typename } }',
    vars: { id: NOBODY_ID },
    allow: MANAGERS,
  },
  'mutation.reactivateUser': {
    op: 'mutation($id: ID!) { reactivateUser(userId: $id) { __typename } }',
    vars: { id: NOBODY_ID },
    allow: MANAGERS,
  },
  'mutation.createInvite': { op: 'mutation { createInvite(email: "not-an-email", role: VIEWER) { __typename } }', allow: MANAGERS },
  'mutation.setL1Categories': { op: 'mutation { setL1Categories(keys: ["email"]) { __typename } }', allow: MANAGERS },
  'mutation.createInvites': { op: 'mutation { createInvites(invites: []) { __typename } }', allow: MANAGERS },
  'mutation.resendInvite': {
    op: 'mutation($id: ID!) { resendInvite(inviteId: $id) { __typename } }',
    vars: { id: NOBODY_ID },
    allow: MANAGERS,
  },
  // Public and token-keyed: an unknown token answers InviteInvalid to everyone alike.
  'query.invitePreview': { op: '{ invitePreview(token: "inv_unknownunknownunknown") { __typename } }', allow: EVERYONE },
  'query.signedInUsers': { op: '{ signedInUsers { sessions } }', allow: MANAGERS },
  'mutation.revokeInvite': {
    op: 'mutation($id: ID!) { revokeInvite(inviteId: $id) { __typename } }',
    vars: { id: NOBODY_ID },
    allow: MANAGERS,
  },
  'mutation.createApiToken': { op: 'mutation { createApiToken(name: "", scopes: [SEATS_READ]) { __typename } }', allow: MANAGERS },
  'mutation.revokeApiToken': {
    op: 'mutation($id: ID!) { revokeApiToken(tokenId: $id) { __typename } }',
    vars: { id: NOBODY_ID },
    allow: MANAGERS,
  },
  'mutation.setSeatLimits': {
    op: 'mutation($id: ID!) { setSeatLimits(accountId: $id, l1SeatLimit: 1) { __typename } }',
    vars: { id: NOBODY_ID },
    allow: [],
  },

  // the L1 surface
  'query.walkSession': { op: 'query($id: ID!) { walkSession(id: $id) { __typename } }', vars: id, allow: L1 },
  'query.myActiveWalks': { op: '{ myActiveWalks { id } }', allow: L1 },
  'query.activeWalks': { op: '{ activeWalks { id } }', allow: L1 },
  'query.l1Queue': { op: '{ l1Queue { __typename } }', allow: L1 },
  'query.myDrafts': { op: '{ myDrafts { id } }', allow: L1 },
  'query.internalTicket': { op: 'query($id: ID!) { internalTicket(id: $id) { __typename } }', vars: id, allow: L1_OR_ABOVE },
  'query.onboarding': { op: '{ onboarding { needsSetup } }', allow: L1_OR_ABOVE },
  'mutation.intake': {
    op: 'mutation { intake(problemStatement: "", customerName: "", customerContact: "", adhoc: true) { __typename } }',
    allow: L1,
  },
  'mutation.recordStep': {
    op: 'mutation($id: ID!) { recordStep(sessionId: $id, nodeId: "n", answer: YES, clientStepId: "c") { __typename } }',
    vars: id,
    allow: L1,
  },
  'mutation.updateWalkNotes': {
    op: 'mutation($id: ID!) { updateWalkNotes(sessionId: $id, notes: []) { __typename } }',
    vars: id,
    allow: L1,
  },
  'mutation.resolveWalk': {
    op: 'mutation($id: ID!) { resolveWalk(sessionId: $id, helpful: true, resolutionNotes: "x") { __typename } }',
    vars: id,
    allow: L1,
  },
  'mutation.escalateWalk': {
    op: 'mutation($id: ID!) { escalateWalk(sessionId: $id, reasonCategory: NO_KB_AVAILABLE) { __typename } }',
    vars: id,
    allow: L1,
  },
  'mutation.escalateWithoutWalk': {
    op: 'mutation { escalateWithoutWalk(problemStatement: "", customerName: "", customerContact: "", reasonCategory: OTHER) { __typename } }',
    allow: L1,
  },
  'mutation.takeOverWalk': { op: 'mutation($id: ID!) { takeOverWalk(sessionId: $id) { __typename } }', vars: id, allow: L1 },
  'mutation.requestWalkBack': { op: 'mutation($id: ID!) { requestWalkBack(sessionId: $id) { __typename } }', vars: id, allow: L1 },
  'mutation.handBackWalk': { op: 'mutation($id: ID!) { handBackWalk(sessionId: $id) { __typename } }', vars: id, allow: L1 },
  'mutation.releaseWalk': { op: 'mutation($id: ID!) { releaseWalk(sessionId: $id) { __typename } }', vars: id, allow: L1 },
  'mutation.createProposalFromWalk': {
    op: 'mutation($id: ID!) { createProposalFromWalk(sessionId: $id) { __typename } }',
    vars: id,
    allow: L1,
  },

  // flows, proposals and escalations
  'query.flows': { op: '{ flows { id } }', allow: L1_OR_ABOVE },
  'query.flow': { op: 'query($id: ID!) { flow(id: $id) { __typename } }', vars: id, allow: L1_OR_ABOVE },
  'query.proposalReviewQueue': { op: '{ proposalReviewQueue { id } }', allow: ENGINEERS },
  'query.escalations': { op: '{ escalations { __typename } }', allow: ENGINEERS },
  'mutation.createFlow': { op: 'mutation { createFlow(title: "") { __typename } }', allow: ENGINEERS },
  'mutation.saveFlowDraft': {
    op: 'mutation($id: ID!) { saveFlowDraft(flowId: $id, nodes: []) { __typename } }',
    vars: id,
    allow: ENGINEERS,
  },
  'mutation.publishFlow': { op: 'mutation($id: ID!) { publishFlow(flowId: $id) { __typename } }', vars: id, allow: ENGINEERS },
  'mutation.archiveFlow': { op: 'mutation($id: ID!) { archiveFlow(flowId: $id) { __typename } }', vars: id, allow: ENGINEERS },
  'mutation.createProposal': { op: 'mutation { createProposal(title: "", nodes: []) { __typename } }', allow: ENGINEERS },
  'mutation.approveProposal': { op: 'mutation($id: ID!) { approveProposal(proposalId: $id) { __typename } }', vars: id, allow: ENGINEERS },
  'mutation.rejectProposal': { op: 'mutation($id: ID!) { rejectProposal(proposalId: $id) { __typename } }', vars: id, allow: ENGINEERS },
  'mutation.claimEscalation': { op: 'mutation($id: ID!) { claimEscalation(ticketId: $id) { __typename } }', vars: id, allow: ENGINEERS },
  'mutation.resolveEscalation': {
    op: 'mutation($id: ID!) { resolveEscalation(ticketId: $id, resolutionNotes: "x") { __typename } }',
    vars: id,
    allow: ENGINEERS,
  },
  'mutation.releaseEscalation': {
    op: 'mutation($id: ID!) { releaseEscalation(ticketId: $id) { __typename } }',
    vars: id,
    allow: ENGINEERS,
  },

  // the knowledge base: read by the desk, written by engineers, admins and owners
  'query.kbDocuments': { op: '{ kbDocuments { totalCount nodes { id } } }', allow: L1_OR_ABOVE },
  'query.kbDocument': { op: 'query($id: ID!) { kbDocument(id: $id) { id } }', vars: id, allow: L1_OR_ABOVE },
  'query.kbSearch': { op: '{ kbSearch(query: "printer offline") { score } }', allow: L1_OR_ABOVE },
  'mutation.createKbDocument': { op: 'mutation { createKbDocument(title: "", body: "") { __typename } }', allow: ENGINEERS },
  'mutation.importKbFiles': { op: 'mutation { importKbFiles(files: []) { __typename } }', allow: ENGINEERS },
  'mutation.updateKbDocument': {
    op: 'mutation($id: ID!) { updateKbDocument(id: $id, title: "x") { __typename } }',
    vars: id,
    allow: ENGINEERS,
  },
  'mutation.archiveKbDocument': { op: 'mutation($id: ID!) { archiveKbDocument(id: $id) { __typename } }', vars: id, allow: ENGINEERS },

  // notifications
  'query.notifications': { op: '{ notifications { id } }', allow: USERS },
  'query.unreadNotificationCount': { op: '{ unreadNotificationCount }', allow: USERS },
  'mutation.markNotificationsRead': { op: 'mutation { markNotificationsRead { __typename } }', allow: USERS },

  // live
  'subscription.walkSession': { kind: 'subscription', op: 'subscription($id: ID!) { walkSession(id: $id) { id } }', vars: id, allow: L1 },
  'subscription.activeWalks': { kind: 'subscription', op: 'subscription { activeWalks { change } }', allow: L1 },
  'subscription.escalations': { kind: 'subscription', op: 'subscription { escalations { change } }', allow: ENGINEERS },
  'subscription.notifications': { kind: 'subscription', op: 'subscription { notifications { id } }', allow: USERS },
};

/**
 * Data the nested entries read, made once in the principals' account by the matrix test: a ticket
 * the L1 tech opened and the engineer was assigned, with a live walk the L1 tech is handling (a
 * step and a note on it) and a draft proposal linked to it; and an escalated ticket with its ended
 * walk. The account has exactly one flow, one proposal and one walk per ticket, so list paths
 * index 0.
 */
export interface NestedFixtures {
  liveTicketId: string;
  liveWalkId: string;
  endedTicketId: string;
}

/**
 * Who may read a nested field (DESIGN §2 and the field's description in the schema). `reach` lists
 * the principals that get to the parent at all (the root rule, checked by MATRIX); of them,
 * `allow` may read the field, and every other one must get null at `path` with a FORBIDDEN error
 * at exactly that path, the parent still there. Keys start with `Type.field`; a field with a
 * field-level scope missing here fails the matrix test.
 */
export interface NestedEntry {
  op: string;
  vars?: (f: NestedFixtures) => Record<string, unknown>;
  path: readonly (string | number)[];
  reach: readonly PrincipalName[];
  allow: readonly PrincipalName[];
  /** The field has no value in the fixtures even for those allowed (a live walk has no handoff yet). */
  noValue?: true;
}

const liveTicket = (f: NestedFixtures) => ({ t: f.liveTicketId });
const endedTicket = (f: NestedFixtures) => ({ t: f.endedTicketId });
const liveWalk = (f: NestedFixtures) => ({ w: f.liveWalkId });
const TICKET_CREATOR_READERS = ['owner', 'admin', 'l1_tech'] as const;
const ticketCreator = (field: string): NestedEntry => ({
  op: `query($t: ID!) { internalTicket(id: $t) { ... on InternalTicket { id createdBy { id name ${field} } } } }`,
  vars: liveTicket,
  path: ['internalTicket', 'createdBy', field],
  reach: L1_OR_ABOVE,
  allow: TICKET_CREATOR_READERS,
});
const flowField = (selection: string): NestedEntry => ({
  op: `{ flows { id title ${selection} } }`,
  path: ['flows', 0, selection.split(' ')[0]!],
  reach: L1_OR_ABOVE,
  allow: ENGINEERS,
});
const liveWalkField = (selection: string): NestedEntry => ({
  op: `query($t: ID!) { internalTicket(id: $t) { ... on InternalTicket { id walks { id status stepCount ${selection} } } } }`,
  vars: liveTicket,
  path: ['internalTicket', 'walks', 0, selection.split(' ')[0]!],
  reach: L1_OR_ABOVE,
  allow: L1,
});
const endedWalkField = (selection: string): NestedEntry => ({
  ...liveWalkField(selection),
  vars: endedTicket,
  allow: L1_OR_ABOVE,
});

export const NESTED: Record<string, NestedEntry> = {
  // people: contact details and account state are the person's own and their managers'
  'User.email (me)': { op: '{ me { id email } }', path: ['me', 'email'], reach: USERS, allow: USERS },
  'User.email (a ticket’s creator)': ticketCreator('email'),
  'User.lastLoginAt (a ticket’s creator)': ticketCreator('lastLoginAt'),
  'User.isActive (a ticket’s creator)': ticketCreator('isActive'),
  'User.isSuperAdmin (a ticket’s creator)': ticketCreator('isSuperAdmin'),
  'User.email (a ticket’s assigned engineer)': {
    op: 'query($t: ID!) { internalTicket(id: $t) { ... on InternalTicket { id assignedEngineer { id name email } } } }',
    vars: liveTicket,
    path: ['internalTicket', 'assignedEngineer', 'email'],
    reach: L1_OR_ABOVE,
    allow: ['owner', 'admin', 'engineer'],
  },
  'User.isSuperAdmin (a walk’s handler)': {
    op: 'query($w: ID!) { walkSession(id: $w) { ... on WalkSession { id handler { id name isSuperAdmin } } } }',
    vars: liveWalk,
    path: ['walkSession', 'handler', 'isSuperAdmin'],
    reach: L1,
    allow: TICKET_CREATOR_READERS,
  },
  'Account.sessionPolicy': {
    op: '{ me { id account { id name sessionPolicy { idleSeconds } } } }',
    path: ['me', 'account', 'sessionPolicy'],
    reach: USERS,
    allow: MANAGERS,
  },

  // the flow library: drafts and history are the authors'
  'Flow.draftNodes': flowField('draftNodes { id }'),
  'Flow.draftRootNodeId': flowField('draftRootNodeId'),
  'Flow.draftIssues': flowField('draftIssues { message }'),
  'Flow.versions': flowField('versions { id }'),

  // a live call is the L1 surface's; an ended one is every engineer's (escalation transcripts)
  'WalkSession.notes (live, through a ticket)': liveWalkField('notes { content }'),
  'WalkSession.steps (live, through a ticket)': liveWalkField('steps { seq answerLabel }'),
  'WalkSession.currentNode (live, through a ticket)': liveWalkField('currentNode { id text }'),
  'WalkSession.currentNodeId (live, through a ticket)': liveWalkField('currentNodeId'),
  'WalkSession.watchers (live, through a ticket)': liveWalkField('watchers { userId }'),
  'WalkSession.handoff (live, through a ticket)': { ...liveWalkField('handoff { reason }'), noValue: true },
  'WalkSession.steps (live, through the review queue)': {
    op: '{ proposalReviewQueue { id ticket { id walks { id status steps { seq } } } } }',
    path: ['proposalReviewQueue', 0, 'ticket', 'walks', 0, 'steps'],
    reach: ENGINEERS,
    allow: ['owner', 'admin', 'coverer'],
  },
  'WalkSession.notes (ended, through a ticket)': endedWalkField('notes { content }'),
  'WalkSession.steps (ended, through a ticket)': endedWalkField('steps { seq }'),
  'WalkSession.handoff (ended, through a ticket)': endedWalkField('handoff { reason }'),
};
