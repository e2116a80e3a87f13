import { graphql } from '../gql/index.ts';
import type { TestApp } from '../helpers/app.ts';
import { CORPUS_FLOWS } from './intake-flows.ts';
import { CORPUS_KB } from './intake-kb.ts';

const CreateArticle = graphql(`
  mutation IntakeMatch_CreateArticle($title: String!, $body: String!, $category: String) {
    createKbDocument(title: $title, body: $body, category: $category) {
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
  for (const a of CORPUS_KB) {
    const r = await t.gql.runOk(CreateArticle, a, { token: ownerToken });
    if (r.createKbDocument.__typename !== 'CreateKbDocumentPayload') throw new Error(`KB fixture: ${r.createKbDocument.__typename}`);
  }
  await t.system.query(
    `UPDATE accounts SET enabled_l1_categories = array_remove(array_remove(enabled_l1_categories, 'phone'), 'onboarding') WHERE id = $1`,
    [account.id],
  );
  return { account, owner, ownerToken, l1, token: await t.factory.token(l1), flowIds };
}
