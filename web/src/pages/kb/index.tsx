import type { ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { useMe } from '../../components/me.tsx';
import { isEngineer } from '../../lib/roles.ts';
import { NotFoundPage } from '../not-found.tsx';
import { KbArticlePage } from './kb-article.tsx';
import { KbEditPage, KbNewPage } from './kb-editor.tsx';
import { KbImportPage } from './kb-import.tsx';
import { KbListPage } from './kb-list.tsx';
import './kb.css';

/** Writing is for engineers, admins and owners (`engineerOrAdmin`); an L1 tech is sent away before any form shows. */
function EditorOnly({ children }: { children: ReactNode }) {
  const me = useMe();
  if (!isEngineer(me)) return <Navigate to="/welcome?denied=kb-edit" replace />;
  return <>{children}</>;
}

/** The knowledge base: read by everyone on the desk, written by engineers. One lazily loaded chunk. */
export default function KbRoutes() {
  return (
    <Routes>
      <Route index element={<KbListPage />} />
      <Route
        path="new"
        element={
          <EditorOnly>
            <KbNewPage />
          </EditorOnly>
        }
      />
      <Route
        path="import"
        element={
          <EditorOnly>
            <KbImportPage />
          </EditorOnly>
        }
      />
      <Route path=":id" element={<KbArticlePage />} />
      <Route
        path=":id/edit"
        element={
          <EditorOnly>
            <KbEditPage />
          </EditorOnly>
        }
      />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
