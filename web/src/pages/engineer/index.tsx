import { Route, Routes } from 'react-router-dom';
import { NotFoundPage } from '../not-found.tsx';
import { EscalationsPage } from './escalations.tsx';
import { FlowEditorPage } from './flow-editor.tsx';
import { FlowLibraryPage } from './flows.tsx';
import { ProposalReviewPage } from './proposals.tsx';
import './engineer.css';

/** The engineer screens: one lazily loaded chunk. */
export default function EngineerRoutes() {
  return (
    <Routes>
      <Route path="escalations" element={<EscalationsPage />} />
      <Route path="flows" element={<FlowLibraryPage />} />
      <Route path="flows/:id" element={<FlowEditorPage />} />
      <Route path="proposals" element={<ProposalReviewPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
