import { useState } from 'react';
import { useMutation } from 'urql';
import { useMe } from '../../../components/me.tsx';
import { TakeOverDialog } from '../../../components/takeover-dialog.tsx';
import { useToast } from '../../../components/toasts.tsx';
import { graphql } from '../../../gql/index.ts';
import { unwrap } from '../../../lib/errors.ts';
import { useNow } from '../../../lib/hooks.ts';
import { canUseL1Desk, usesCoverageBoard } from '../../../lib/roles.ts';
import type { Walk } from './session.ts';

const TakeOverDoc = graphql(`
  mutation WalkPage_TakeOver($sessionId: ID!, $expectedVersion: Int) {
    takeOverWalk(sessionId: $sessionId, expectedVersion: $expectedVersion) {
      __typename
      ...WalkPage_Session
      ... on Error {
        code
        message
      }
      ... on ConflictError {
        reason
      }
    }
  }
`);

const AskBackDoc = graphql(`
  mutation WalkPage_AskBack($sessionId: ID!) {
    requestWalkBack(sessionId: $sessionId) {
      __typename
      ...WalkPage_Session
      ... on Error {
        code
        message
      }
      ... on ConflictError {
        reason
      }
    }
  }
`);

const HandBackDoc = graphql(`
  mutation WalkPage_HandBack($sessionId: ID!, $toUserId: ID) {
    handBackWalk(sessionId: $sessionId, toUserId: $toUserId) {
      __typename
      ...WalkPage_Session
      ... on Error {
        code
        message
      }
      ... on ConflictError {
        reason
      }
    }
  }
`);

/**
 * The walk seen by someone who is not (or no longer) handling it, and by a coverer who took it:
 * who has the call, taking it over, asking for it back, and handing it back.
 */
export function HandoverBanners({ walk, refetch }: { walk: Walk; refetch: (opts: { requestPolicy: 'network-only' }) => void }) {
  const me = useMe();
  const toast = useToast();
  const [{ fetching: takingOver }, takeOver] = useMutation(TakeOverDoc);
  const [{ fetching: asking }, askBack] = useMutation(AskBackDoc);
  const [{ fetching: handingBack }, handBack] = useMutation(HandBackDoc);
  const [confirmTakeOver, setConfirmTakeOver] = useState(false);
  const now = useNow(5000);
  // Whether this page has seen me handle the call (so someone took it from me), unless I gave it
  // away myself. Adjusted while rendering: it follows the walk, and it decides what is shown.
  const [wasHandler, setWasHandler] = useState(false);
  const [handedOn, setHandedOn] = useState(false);
  const isHandler = walk.handler.id === me.id;
  if (isHandler && !handedOn && !wasHandler) setWasHandler(true);
  if (isHandler && handedOn) setHandedOn(false);
  const active = walk.status === 'ACTIVE';

  const doTakeOver = async () => {
    const r = await takeOver({ sessionId: walk.id, expectedVersion: walk.version });
    setConfirmTakeOver(false);
    if (unwrap(r.data?.takeOverWalk, r.error, 'WalkSession', toast.failure)) toast.success('You are handling this call now');
    else refetch({ requestPolicy: 'network-only' });
  };
  const doAskBack = async () => {
    const r = await askBack({ sessionId: walk.id });
    if (unwrap(r.data?.requestWalkBack, r.error, 'WalkSession', toast.failure))
      toast.success('Asked for the call back', `${walk.handler.name} can hand it back to you.`);
  };
  const doHandBack = async () => {
    const to = walk.takenFrom?.name ?? 'them';
    const r = await handBack({ sessionId: walk.id, toUserId: null });
    if (unwrap(r.data?.handBackWalk, r.error, 'WalkSession', toast.failure)) {
      // Given away, not taken: from here on this page shows me as a watcher.
      setWasHandler(false);
      setHandedOn(true);
      toast.success('Call handed back', `${to} is handling it again.`);
    }
  };

  const tookOverFromMe = !isHandler && (wasHandler || walk.createdBy.id === me.id);
  const canAskBack = !isHandler && walk.takenFrom?.id === me.id;
  // An idle call opens up for takeover while the page is open, with no event to say so.
  const mayTakeOver = walk.canTakeOver || (!!walk.takeOverOpensAt && now >= Date.parse(walk.takeOverOpensAt));

  return (
    <>
      {active && tookOverFromMe && (
        <div className="banner banner-warning takeover-banner" role="alert" data-testid="takeover-banner">
          <div>
            <strong>{walk.handler.name} took over this call.</strong> You can follow along; the controls are read-only.
            {canAskBack && walk.handBackRequestedAt && (
              <span className="banner-sub" data-testid="asked-back">
                {' '}
                You asked for it back; {walk.handler.name} can hand it to you.
              </span>
            )}
          </div>
          {canAskBack && !walk.handBackRequestedAt && (
            <button type="button" className="btn btn-secondary btn-sm" disabled={asking} onClick={() => void doAskBack()}>
              {asking ? 'Asking…' : 'Ask for the call back'}
            </button>
          )}
          {!canAskBack && mayTakeOver && (
            <button type="button" className="btn btn-secondary btn-sm" disabled={takingOver} onClick={() => setConfirmTakeOver(true)}>
              Take over
            </button>
          )}
        </div>
      )}
      {active && !isHandler && !tookOverFromMe && (
        <div className="banner banner-info takeover-banner" role="status" data-testid="watching-banner">
          <div>
            <strong>You are watching {walk.handler.name}’s call.</strong>{' '}
            {walk.kind === 'ADHOC' ? 'Notes appear here as they are saved.' : 'Steps appear here as they happen.'}
            {walk.releasedAt && (
              <span className="banner-sub" data-testid="handed-off">
                {' '}
                {walk.handler.name} handed it off to the desk: you can pick it up.
              </span>
            )}
            {!mayTakeOver && walk.takeOverBlockedReason && canUseL1Desk(me) && (
              <span className="banner-sub" data-testid="takeover-blocked">
                {' '}
                {walk.takeOverBlockedReason}
              </span>
            )}
          </div>
          {canUseL1Desk(me) && mayTakeOver && (
            <button type="button" className="btn btn-primary btn-sm" disabled={takingOver} onClick={() => setConfirmTakeOver(true)}>
              {takingOver ? 'Taking over…' : 'Take over'}
            </button>
          )}
        </div>
      )}
      {active && isHandler && walk.takenFrom && (
        <div
          className={`banner ${walk.handBackRequestedAt ? 'banner-warning' : 'banner-coverage'} handback-banner`}
          role={walk.handBackRequestedAt ? 'alert' : 'note'}
          data-testid="handback-banner"
        >
          <div>
            {walk.handBackRequestedAt ? (
              <>
                <strong>{walk.takenFrom.name} asked for this call back.</strong> Hand it back when you are done.
              </>
            ) : (
              <>You took this call over from {walk.takenFrom.name}. It stays yours until you hand it back.</>
            )}
          </div>
          <button
            type="button"
            className={`btn btn-sm ${walk.handBackRequestedAt ? 'btn-primary' : 'btn-secondary'}`}
            disabled={handingBack}
            onClick={() => void doHandBack()}
          >
            {handingBack ? 'Handing back…' : `Hand back to ${walk.takenFrom.name}`}
          </button>
        </div>
      )}
      <TakeOverDialog
        open={confirmTakeOver}
        handlerName={walk.handler.name}
        customer={walk.ticket?.customerName}
        coverer={usesCoverageBoard(me)}
        busy={takingOver}
        onConfirm={() => void doTakeOver()}
        onClose={() => setConfirmTakeOver(false)}
      />
    </>
  );
}
