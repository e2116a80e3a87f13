import { createContext, useContext } from 'react';
import { graphql } from '../gql/index.ts';
import type { App_MeQuery } from '../gql/graphql.ts';

export const MeDoc = graphql(`
  query App_Me {
    me {
      id
      name
      email
      role
      canCoverL1
      isSuperAdmin
      account {
        id
        name
      }
    }
  }
`);

export type Me = App_MeQuery['me'];

export const MeContext = createContext<Me | null>(null);

/** The signed-in user; only inside the signed-in shell. */
export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside the signed-in shell');
  return me;
}
