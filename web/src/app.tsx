import { lazy, type ReactNode, Suspense, useEffect } from 'react';
import { createBrowserRouter, Navigate, Route, RouterProvider, Routes, useLocation } from 'react-router-dom';
import { Provider, useQuery } from 'urql';
import { Layout } from './components/layout.tsx';
import { type Me, MeContext, MeDoc } from './components/me.tsx';
import { AppClientContext } from './components/resync.tsx';
import { SessionNotice } from './components/session-notice.tsx';
import { ErrorState, Loading } from './components/ui.tsx';
import { type AuthState, getAuthState, subscribeAuth, useAuth } from './lib/auth.ts';
import { canReadKb, canUseL1Desk, homePath, isAccountManager, isEngineer, type Principal, usesCoverageBoard } from './lib/roles.ts';
import { type AppClient, createAppClient } from './lib/urql.ts';
import { AcceptInvitePage } from './pages/accept-invite.tsx';
import { CoveragePage } from './pages/coverage.tsx';
import { DashboardPage } from './pages/l1/dashboard.tsx';
import { DraftsPage } from './pages/l1/drafts.tsx';
import { TicketsPage } from './pages/l1/tickets.tsx';
import { WalkPage } from './pages/l1/walk/walk-page.tsx';
import { NotFoundPage } from './pages/not-found.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { WelcomePage } from './pages/welcome.tsx';

// Engineer and admin screens are separate chunks: most sessions are L1 techs who never load them.
const EngineerRoutes = lazy(() => import('./pages/engineer/index.tsx'));
const AdminRoutes = lazy(() => import('./pages/admin/index.tsx'));
// The knowledge base renders Markdown: its renderer loads with the first article, not with the desk.
const KbRoutes = lazy(() => import('./pages/kb/index.tsx'));

/*
 * One urql client per signed-in session (its cache and socket belong to that user). Kept outside
 * React so StrictMode's double effects cannot dispose a client still in use.
 */
let current: { epoch: number; app: AppClient } | null = null;

function appClientFor(epoch: number): AppClient {
  if (current?.epoch !== epoch) {
    current?.app.dispose();
    const app = createAppClient({
      // Role, coverage or activation changed: reload `me`; the routes re-decide what to show.
      onPermissionsChanged: () => void app.client.query(MeDoc, {}, { requestPolicy: 'network-only' }).toPromise(),
    });
    current = { epoch, app };
  }
  return current.app;
}

subscribeAuth(() => {
  if (getAuthState().status !== 'signed-in' && current) {
    current.app.dispose();
    current = null;
  }
});

function Root() {
  const auth = useAuth();
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage auth={auth} />} />
      <Route path="/invite/:token" element={<AcceptInvitePage />} />
      <Route path="*" element={<Authed auth={auth} />} />
    </Routes>
  );
}

// A data router (one splat route around the app's own <Routes>), so a page with unsaved edits can
// hold in-app navigation with useBlocker; BrowserRouter does not support blockers.
let router: ReturnType<typeof createBrowserRouter> | undefined;

export function App() {
  router ??= createBrowserRouter([{ path: '*', element: <Root /> }]);
  return <RouterProvider router={router} />;
}

export function Splash() {
  return (
    <div className="splash">
      <Loading label="Loading L1 Workspace…" />
    </div>
  );
}

function Authed({ auth }: { auth: AuthState }) {
  const location = useLocation();
  if (auth.status === 'loading') return <Splash />;
  if (auth.status === 'signed-out') {
    return <Navigate to="/sign-in" replace state={{ from: `${location.pathname}${location.search}` }} />;
  }
  const app = appClientFor(auth.epoch);
  return (
    <AppClientContext.Provider value={app}>
      <Provider value={app.client}>
        <SignedIn />
      </Provider>
    </AppClientContext.Provider>
  );
}

function SignedIn() {
  const [res, refetch] = useQuery({ query: MeDoc, requestPolicy: 'cache-first' });
  if (!res.data) {
    if (res.error) {
      return (
        <div className="splash">
          <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
        </div>
      );
    }
    return <Splash />;
  }
  const me = res.data.me;
  return (
    <MeContext.Provider value={me}>
      <Layout>
        <AppRoutes me={me} />
      </Layout>
      <SessionNotice />
    </MeContext.Provider>
  );
}

function Guard({ allow, me, denied, children }: { allow: (p: Principal) => boolean; me: Me; denied: string; children: ReactNode }) {
  if (!allow(me)) return <Navigate to={`/welcome?denied=${denied}`} replace />;
  return <>{children}</>;
}

function ScrollToTop() {
  const { pathname } = useLocation();
  useEffect(() => {
    document.getElementById('main')?.scrollTo?.(0, 0);
  }, [pathname]);
  return null;
}

function AppRoutes({ me }: { me: Me }) {
  return (
    <>
      <ScrollToTop />
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route path="/" element={<Navigate to={homePath(me)} replace />} />
          <Route path="/welcome" element={<WelcomePage />} />
          <Route
            path="/l1"
            element={
              <Guard allow={canUseL1Desk} me={me} denied="l1">
                <DashboardPage />
              </Guard>
            }
          />
          <Route
            path="/l1/walk/:id"
            element={
              <Guard allow={canUseL1Desk} me={me} denied="l1">
                <WalkPage />
              </Guard>
            }
          />
          <Route
            path="/l1/tickets"
            element={
              <Guard allow={canUseL1Desk} me={me} denied="l1">
                <TicketsPage />
              </Guard>
            }
          />
          <Route
            path="/l1/drafts"
            element={
              <Guard allow={canUseL1Desk} me={me} denied="l1">
                <DraftsPage />
              </Guard>
            }
          />
          <Route
            path="/l1/*"
            element={
              <Guard allow={canUseL1Desk} me={me} denied="l1">
                <NotFoundPage />
              </Guard>
            }
          />
          <Route
            path="/coverage"
            element={
              <Guard allow={usesCoverageBoard} me={me} denied="coverage">
                <CoveragePage />
              </Guard>
            }
          />
          <Route
            path="/engineer/*"
            element={
              <Guard allow={isEngineer} me={me} denied="engineer">
                <EngineerRoutes />
              </Guard>
            }
          />
          <Route
            path="/kb/*"
            element={
              <Guard allow={canReadKb} me={me} denied="kb">
                <KbRoutes />
              </Guard>
            }
          />
          <Route
            path="/admin/*"
            element={
              <Guard allow={isAccountManager} me={me} denied="admin">
                <AdminRoutes />
              </Guard>
            }
          />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Suspense>
    </>
  );
}
