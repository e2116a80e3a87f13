import { Link, useSearchParams } from 'react-router-dom';
import { useMe } from '../components/me.tsx';
import { Card, PageHeader } from '../components/ui.tsx';
import { firstName, greeting, longDate } from '../lib/format.ts';
import { useDocumentTitle } from '../lib/hooks.ts';
import { homePath, ROLE_LABELS } from '../lib/roles.ts';
import './welcome.css';

const AREAS: Record<string, string> = {
  l1: 'the L1 desk',
  coverage: 'the coverage board',
  engineer: 'the engineering screens',
  admin: 'the admin screens',
  kb: 'the knowledge base',
  'kb-edit': 'adding or changing knowledge-base articles',
};

/** Who each refused area is for, so the refusal says why and whom to ask. */
const AREA_FOR: Record<string, string> = {
  l1: 'L1 technicians, and owners, admins and engineers who cover the desk',
  coverage: 'owners, admins and engineers who cover the desk',
  engineer: 'engineers, admins and owners',
  admin: 'owners and admins',
  kb: 'L1 technicians, engineers, admins and owners',
  'kb-edit': 'engineers, admins and owners',
};

/** What to do instead, where that helps the person decide what to do next. */
const WHY: Record<string, string> = {
  coverage: 'To pick up a colleague’s call, open it from Tickets once they hand it off.',
  'kb-edit': 'You can still read and search every article in the knowledge base.',
};

/** Home for people without a desk (viewers), and where a refused route lands. */
export function WelcomePage() {
  useDocumentTitle('Home');
  const me = useMe();
  const [params] = useSearchParams();
  const denied = params.get('denied');
  const home = homePath(me);
  return (
    <div className="page page-narrow">
      <PageHeader title={`${greeting(new Date().getHours())}, ${firstName(me.name)}`} subtitle={longDate(new Date())} />
      {denied && (
        <div className="banner banner-warning" role="alert" data-testid="no-access">
          You don’t have access to {AREAS[denied] ?? 'that page'}
          {AREA_FOR[denied] ? `: it is for ${AREA_FOR[denied]}` : ''}. Your role is {ROLE_LABELS[me.role]}; an owner or admin can change it.
          {WHY[denied] ? ` ${WHY[denied]}` : ''}
        </div>
      )}
      <Card title="Your access">
        {home === '/welcome' ? (
          <div className="prose">
            <p>
              You have a <strong>{ROLE_LABELS[me.role]}</strong> account in {me.account.name}. Viewers can follow notifications but don’t
              take calls, walk flows or manage the account.
            </p>
            <p className="muted">If you need to work the L1 desk or author flows, ask an owner or admin to change your role.</p>
          </div>
        ) : (
          <div className="prose">
            <p>Your workspace is one click away.</p>
            <Link className="btn btn-primary" to={home}>
              Go to my workspace
            </Link>
          </div>
        )}
      </Card>
    </div>
  );
}
