import { graphql } from '../gql/index.ts';
import type { TestApp } from '../helpers/app.ts';
import { CORPUS_FLOWS } from './intake-flows.ts';
import { DEMO_KB_ARTICLES } from '../../src/services/demo/kb-seed.ts';
import { CORPUS_KB } from './intake-kb.ts';

const CreateArticle = graphql(`
  mutation IntakeMatch_CreateArticle($title: String!, $body: String!, $format: KbFormat, $category: String) {
    createKbDocument(title: $title, body: $body, format: $format, category: $category) {
      __typename
    }
  }
`);

/** The corpus account: every corpus flow published, its KB articles added, phone and onboarding disabled. */
export async function corpusAccount(t: TestApp) {
  const account = await t.factory.account();
  const owner = await t.factory.user(account.id, 'owner');
  const l1 = await t.factory.user(account.id, 'l1_tech');
  const flowIds = new Map<string, string>();
  for (const f of CORPUS_FLOWS) flowIds.set(f.key, (await t.factory.publishedFlow(account.id, owner.id, f)).flowId);
  const ownerToken = await t.factory.token(owner);
  // The demo runbooks (most of them on what the flows cover too) and the corpus's own articles.
  const articles = [
    ...DEMO_KB_ARTICLES.map((a) => ({ ...a, format: a.format === 'html' ? ('HTML' as const) : ('MARKDOWN' as const) })),
    ...CORPUS_KB.map((a) => ({ ...a, format: 'MARKDOWN' as const })),
  ];
  for (const a of articles) {
    const r = await t.gql.runOk(CreateArticle, a, { token: ownerToken });
    if (r.createKbDocument.__typename !== 'CreateKbDocumentPayload') throw new Error(`KB fixture: ${r.createKbDocument.__typename}`);
  }
  await t.system.query(
    `UPDATE accounts SET enabled_l1_categories = array_remove(array_remove(enabled_l1_categories, 'phone'), 'onboarding') WHERE id = $1`,
    [account.id],
  );
  return { account, owner, ownerToken, l1, token: await t.factory.token(l1), flowIds };
}
