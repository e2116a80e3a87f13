/// <reference types="vite/client" />

/** schema.graphql as a minified introspection for graphcache (see the plugin in vite.config.ts). */
declare module 'virtual:graphql-schema' {
  type CacheOptions = NonNullable<Parameters<typeof import('@urql/exchange-graphcache').cacheExchange>[0]>;
  const schema: NonNullable<CacheOptions['schema']>;
  export default schema;
}
