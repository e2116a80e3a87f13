import { Link, useParams } from 'react-router-dom';
import { useQuery } from 'urql';
import { EmptyState, ErrorState, Loading } from '../../components/ui.tsx';
import { graphql } from '../../gql/index.ts';
import { useDocumentTitle } from '../../lib/hooks.ts';
import { Editor } from './flow-editor-form.tsx';

graphql(`
  fragment FlowEditor_Flow on Flow {
    id
    title
    description
    status
    versionCount
    updatedAt
    archivedAt
    draftRootNodeId
    draftNodes {
      id
      kind
      text
      yesLabel
      noLabel
      yesNext
      noNext
      next
    }
    draftIssues {
      path
      message
    }
    latestVersion {
      id
      version
      publishedAt
    }
  }
`);

const FlowDoc = graphql(`
  query FlowEditor_Load($id: ID!) {
    flow(id: $id) {
      __typename
      ...FlowEditor_Flow
      ... on Error {
        code
        message
      }
    }
  }
`);

export function FlowEditorPage() {
  const { id = '' } = useParams();
  const [res, refetch] = useQuery({ query: FlowDoc, variables: { id } });
  const flow = res.data?.flow.__typename === 'Flow' ? res.data.flow : null;
  useDocumentTitle(flow ? `Edit ${flow.title}` : 'Flow');
  if (!res.data) {
    return res.error ? (
      <div className="page page-narrow">
        <ErrorState error={res.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      </div>
    ) : (
      <Loading label="Loading flow…" />
    );
  }
  if (!flow) {
    return (
      <div className="page page-narrow">
        <EmptyState title="Flow not found" icon="question">
          <Link to="/engineer/flows" className="btn btn-secondary btn-sm">
            Back to the library
          </Link>
        </EmptyState>
      </div>
    );
  }
  return <Editor key={flow.id} flow={flow} />;
}
