import { Route, Routes } from 'react-router-dom';
import { NotFoundPage } from '../not-found.tsx';
import { AuditPage } from './audit.tsx';
import { CategoriesPage } from './categories.tsx';
import { InvitesPage } from './invites.tsx';
import { SecurityPage } from './security.tsx';
import { TokensPage } from './tokens.tsx';
import { UsersPage } from './users.tsx';
import './admin.css';

/** The admin screens: one lazily loaded chunk. */
export default function AdminRoutes() {
  return (
    <Routes>
      <Route path="users" element={<UsersPage />} />
      <Route path="invites" element={<InvitesPage />} />
      <Route path="tokens" element={<TokensPage />} />
      <Route path="security" element={<SecurityPage />} />
      <Route path="categories" element={<CategoriesPage />} />
      <Route path="audit" element={<AuditPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
