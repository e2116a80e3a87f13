import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useQuery, useSubscription } from 'urql';
import { CustomerName } from '../../../components/customer.tsx';
import { useMe } from '../../../components/me.tsx';
import { Badge, EmptyState, ErrorState, Loading, StatusBadge } from '../../../components/ui.tsx';
import { formatDateTime, humanize } from '../../../lib/format.ts';
import { useDocumentTitle } from '../../../lib/hooks.ts';
import type { EscalateValues } from '../escalate-form.tsx';
import { EscalateDialog } from './escalate-dialog.tsx';
import { HandoverBanners } from './handover.tsx';
import { IntakeBanner, KnowledgeCard, useIntakeNotice } from './intake-notice.tsx';
import { Outcome } from './outcome.tsx';
import { ResolveDialog } from './resolve-dialog.tsx';
import { LiveDoc, WalkDoc } from './session.ts';
import { FinishCard, TicketCard } from './sidebar.tsx';
import { CurrentStep } from './step-card.tsx';
import { Transcript } from './transcript.tsx';
import { useFlowSteps, type WalkDialog } from './use-flow-steps.ts';
import { WalkNotes } from './walk-notes.tsx';
import { Watchers } from './watchers.tsx';
import './walk.css';

/**
 * One call: the guided step card (flow, proposal or AI-built walks) or the ad-hoc notes, the
 * transcript or outcome, the ticket, and the handover banners for watchers and coverers.
 */
export function WalkPage() {
  const { id = '' } = useParams();
  const me = useMe();
  const [res, refetch] = useQuery({ query: WalkDoc, variables: { id } });
  const [live] = useSubscription({ query: LiveDoc, variables: { id } });
  const [dialog, setDialog] = useState<WalkDialog>(null);
  const notice = useIntakeNotice();

  const result = res.data?.walkSession;
  const walk = result?.__typename === 'WalkSession' ? result : null;
  useDocumentTitle(walk ? walk.title : 'Walk');

  const isHandler = !!walk && walk.handler.id === me.id;
  const active = walk?.status === 'ACTIVE';
  const readOnly = !walk || !active || !isHandler;
  const { note, setNote, busy, failed, answer, retry } = useFlowSteps({ id, walk, readOnly, dialog, setDialog, refetch });

  if (!walk) {
    if (result && result.__typename !== 'WalkSession') {
      return (
        <div className="page page-narrow">
          <EmptyState title="Walk not found" icon="question">
            <p>{result.message}</p>
            <Link to="/l1" className="btn btn-secondary btn-sm">
              Back to dashboard
            </Link>
          </EmptyState>
        </div>
      );
    }
    if (res.error) {
      return (
        <div className="page page-narrow">
          <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
        </div>
      );
    }
    return <Loading label="Loading walk…" />;
  }

  const readOnlyReason = !active ? null : isHandler ? null : `${walk.handler.name} is handling this call — you are watching`;
  const node = walk.currentNode;
  const resolveDefaults = node?.kind === 'RESOLUTION' ? node.text : '';
  const escalateDefaults: EscalateValues =
    walk.kind === 'ADHOC'
      ? { category: 'NO_KB_AVAILABLE', reason: '' }
      : { category: 'FLOW_DID_NOT_HELP', reason: node?.kind === 'ESCALATION' ? node.text : '' };

  return (
    <div className="page walk-page">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/l1">Dashboard</Link>
        <span aria-hidden="true">/</span>
        <span>Walk</span>
      </nav>
      <header className="page-header">
        <div>
          <h1>{walk.title}</h1>
          <p className="page-subtitle">
            <CustomerName name={walk.ticket?.customerName} /> · started {formatDateTime(walk.startedAt)} · {humanize(walk.kind)}
          </p>
        </div>
        <div className="page-actions">
          <StatusBadge status={walk.status} />
          {live.error && !live.data && (
            <Badge tone="amber" title="Live updates paused; the page shows the last known state">
              Offline
            </Badge>
          )}
          {active && <Watchers walk={walk} meId={me.id} />}
        </div>
      </header>

      <HandoverBanners walk={walk} refetch={refetch} />
      {active && isHandler && <IntakeBanner notice={notice} />}
      {active && isHandler && walk.actingAs === 'l1_coverage' && (
        <div className="banner banner-coverage" role="note" data-testid="coverage-banner">
          <strong>You are covering the L1 desk.</strong> Your steps on this call are recorded as coverage.
        </div>
      )}
      {active && isHandler && walk.releasedAt && (
        <div className="banner banner-info" role="status" data-testid="released-banner">
          <div>
            <strong>You handed this call off to the desk.</strong> A colleague can pick it up; it stays yours until they do.
          </div>
        </div>
      )}

      <div className="walk-grid">
        <div className="stack-lg">
          <Outcome walk={walk} />
          {active &&
            (walk.kind === 'ADHOC' ? (
              <WalkNotes walk={walk} readOnly={readOnly} />
            ) : (
              <CurrentStep
                walk={walk}
                readOnly={readOnly}
                busy={busy}
                failed={failed}
                onAnswer={answer}
                onRetry={retry}
                onResolve={() => setDialog('resolve')}
                onEscalate={() => setDialog('escalate')}
                note={note}
                setNote={setNote}
                readOnlyReason={readOnlyReason}
              />
            ))}
          {walk.kind === 'ADHOC' && !active ? <WalkNotes walk={walk} readOnly /> : walk.kind !== 'ADHOC' && <Transcript walk={walk} />}
        </div>
        <aside className="stack-lg">
          <TicketCard walk={walk} meId={me.id} />
          <KnowledgeCard walk={walk} articlesFor={notice?.articlesFor ?? null} />
          {active && (
            <FinishCard walk={walk} isHandler={isHandler} readOnly={readOnly} readOnlyReason={readOnlyReason} setDialog={setDialog} />
          )}
        </aside>
      </div>
      <ResolveDialog open={dialog === 'resolve'} onClose={() => setDialog(null)} walk={walk} defaultNotes={resolveDefaults} />
      <EscalateDialog
        key={`${dialog}-${node?.id}`}
        open={dialog === 'escalate'}
        onClose={() => setDialog(null)}
        walk={walk}
        defaults={escalateDefaults}
      />
    </div>
  );
}
