import { graphql } from '../../../gql/index.ts';
import type { WalkPage_SessionFragment } from '../../../gql/graphql.ts';

graphql(`
  fragment WalkPage_Session on WalkSession {
    id
    version
    kind
    status
    title
    actingAs
    startedAt
    endedAt
    lastStepAt
    helpful
    resolutionNotes
    escalationReasonCategory
    escalationReason
    handler {
      id
      name
    }
    createdBy {
      id
      name
    }
    takenFrom {
      id
      name
    }
    handBackRequestedAt
    releasedAt
    canTakeOver
    takeOverOpensAt
    takeOverBlockedReason
    currentNode {
      id
      kind
      text
      yesLabel
      noLabel
    }
    steps {
      id
      seq
      question
      answer
      answerLabel
      note
      actingAs
      createdAt
      actor {
        id
        name
      }
    }
    notes {
      at
      content
    }
    watchers {
      userId
      name
      role
      since
    }
    ticket {
      id
      customerName
      customerContact
      problemStatement
      status
    }
  }
`);

export const WalkDoc = graphql(`
  query WalkPage_Walk($id: ID!) {
    walkSession(id: $id) {
      __typename
      ...WalkPage_Session
      ... on Error {
        code
        message
      }
    }
  }
`);

export const LiveDoc = graphql(`
  subscription WalkPage_Live($id: ID!) {
    walkSession(id: $id) {
      ...WalkPage_Session
    }
  }
`);

export type Walk = WalkPage_SessionFragment;
