import { type ReactNode, useEffect, useState } from 'react';
import { NavLink, useLocation } from 'react-router-dom';
import { signOut } from '../lib/auth.ts';
import { canUseL1Desk, isAccountManager, isEngineer, ROLE_LABELS, usesCoverageBoard } from '../lib/roles.ts';
import { Bell } from './bell.tsx';
import { useMe } from './me.tsx';
import { Avatar } from './ui.tsx';
import './layout.css';

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
  // On a phone the sidebar is a menu behind a button: stacked above the page it pushed an owner's
  // content 688 px down. It closes when a page is chosen, and on Escape.
  // Remembered with the page it was opened on, so moving to another page closes it.
  const { pathname } = useLocation();
  const [openOn, setOpenOn] = useState<string | null>(null);
  const menuOpen = openOn === pathname;
  const setMenuOpen = (open: boolean) => setOpenOn(open ? pathname : null);
  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpenOn(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [menuOpen]);
  return (
    <div className={`app ${menuOpen ? 'nav-open' : ''}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar" id="main-menu">
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
          <nav
            aria-label="Main"
            onClick={(e) => {
              // A chosen link closes the menu even when the page stays (a blocked leave, the same page).
              if ((e.target as HTMLElement).closest('a')) setMenuOpen(false);
            }}
          >
            {canUseL1Desk(me) && (
              <div className="nav-section">
                <div className="nav-heading">Desk</div>
                <Item to="/l1" end>
                  Dashboard
                </Item>
                <Item to="/l1/tickets">Tickets</Item>
                <Item to="/l1/drafts">My drafts</Item>
                <Item to="/kb">Knowledge base</Item>
                {usesCoverageBoard(me) && <Item to="/coverage">Coverage board</Item>}
              </div>
            )}
            {isEngineer(me) && (
              <div className="nav-section">
                <div className="nav-heading">Engineering</div>
                <Item to="/engineer/escalations">Escalations</Item>
                <Item to="/engineer/flows">Flow library</Item>
                <Item to="/engineer/proposals">Proposal review</Item>
                {/* Once in the menu: under Desk for those who work it, here for the others. */}
                {!canUseL1Desk(me) && <Item to="/kb">Knowledge base</Item>}
              </div>
            )}
            {isAccountManager(me) && (
              <div className="nav-section">
                <div className="nav-heading">Admin</div>
                <Item to="/admin/users">Users &amp; seats</Item>
                <Item to="/admin/invites">Invites</Item>
                <Item to="/admin/tokens">API tokens</Item>
                <Item to="/admin/security">Sessions</Item>
                <Item to="/admin/categories">What the L1 desk takes</Item>
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
          <button
            type="button"
            className="btn btn-ghost btn-sm menu-button"
            aria-expanded={menuOpen}
            aria-controls="main-menu"
            onClick={() => setMenuOpen(!menuOpen)}
          >
            <span className="menu-icon" aria-hidden="true" />
            Menu
          </button>
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
