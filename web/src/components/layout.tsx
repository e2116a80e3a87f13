import { type ReactNode, useState } from 'react';
import { NavLink } from 'react-router-dom';
import { signOut } from '../lib/auth.ts';
import { canUseL1Desk, isAccountManager, isEngineer, ROLE_LABELS, usesCoverageBoard } from '../lib/roles.ts';
import { Bell } from './bell.tsx';
import { useMe } from './me.tsx';
import { Avatar } from './ui.tsx';

function Item({ to, children, end }: { to: string; children: ReactNode; end?: boolean }) {
  return (
    <NavLink to={to} end={end} className={({ isActive }) => `nav-item ${isActive ? 'nav-item-active' : ''}`}>
      {children}
    </NavLink>
  );
}

/** Sidebar navigation by role, a top bar with the bell, and the page. */
export function Layout({ children }: { children: ReactNode }) {
  const me = useMe();
  const [signingOut, setSigningOut] = useState(false);
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="sidebar-inner">
          <div className="brand">
            <span className="brand-mark" aria-hidden="true">
              L1
            </span>
            <div>
              <div className="brand-name">L1 Workspace</div>
              <div className="brand-account">{me.account.name}</div>
            </div>
          </div>
          <nav aria-label="Main">
            {canUseL1Desk(me) && (
              <div className="nav-section">
                <div className="nav-heading">Desk</div>
                <Item to="/l1" end>
                  Dashboard
                </Item>
                <Item to="/l1/tickets">Tickets</Item>
                <Item to="/l1/drafts">My drafts</Item>
                {usesCoverageBoard(me) && <Item to="/coverage">Coverage board</Item>}
              </div>
            )}
            {isEngineer(me) && (
              <div className="nav-section">
                <div className="nav-heading">Engineering</div>
                <Item to="/engineer/escalations">Escalations</Item>
                <Item to="/engineer/flows">Flow library</Item>
                <Item to="/engineer/proposals">Proposal review</Item>
              </div>
            )}
            {isAccountManager(me) && (
              <div className="nav-section">
                <div className="nav-heading">Admin</div>
                <Item to="/admin/users">Users &amp; seats</Item>
                <Item to="/admin/invites">Invites</Item>
                <Item to="/admin/tokens">API tokens</Item>
                <Item to="/admin/security">Sessions</Item>
                <Item to="/admin/audit">Audit log</Item>
                <a className="nav-item" href="/graphql" target="_blank" rel="noopener">
                  GraphiQL <span aria-hidden="true">↗</span>
                  <span className="sr-only">(opens in a new tab)</span>
                </a>
              </div>
            )}
            {!canUseL1Desk(me) && !isEngineer(me) && (
              <div className="nav-section">
                <Item to="/welcome">Home</Item>
              </div>
            )}
          </nav>
        </div>
      </aside>
      <div className="main-column">
        <header className="topbar">
          <div className="topbar-spacer" />
          <Bell canOpenEscalations={isEngineer(me)} />
          <div className="user-chip">
            <Avatar name={me.name} seed={me.id} size="sm" />
            <div className="user-chip-text">
              <span className="user-chip-name">{me.name}</span>
              <span className="user-chip-role">
                {ROLE_LABELS[me.role]}
                {me.role === 'ENGINEER' && me.canCoverL1 ? ' · covers L1' : ''}
              </span>
            </div>
          </div>
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            disabled={signingOut}
            onClick={() => {
              setSigningOut(true);
              void signOut();
            }}
          >
            Sign out
          </button>
        </header>
        <main id="main" className="content" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
