import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed operations for the SPA and for the API tests, from the committed schema.graphql.
const config: CodegenConfig = {
  schema: 'schema.graphql',
  ignoreNoDocuments: true,
  // Explicit extensions: the API and tests resolve modules the Node way (nodenext).
  importExtension: '.ts',
  generates: {
    'web/src/gql/': {
      documents: ['web/src/**/*.{ts,tsx}', '!web/src/gql/**/*'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      // File: importKbFiles' uploads (the browser's File, sent as GraphQL multipart).
      config: { useTypeImports: true, enumsAsTypes: true, scalars: { DateTime: 'string', JSON: 'unknown', File: 'File' } },
    },
    'tests/gql/': {
      documents: ['tests/**/*.ts', 'bench/**/*.ts', '!tests/gql/**/*'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { useTypeImports: true, enumsAsTypes: true, scalars: { DateTime: 'string', JSON: 'unknown' } },
    },
  },
};

export default config;
