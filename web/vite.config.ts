import { readFileSync } from 'node:fs';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { buildSchema, type IntrospectionType, type IntrospectionTypeRef, introspectionFromSchema } from 'graphql';
import { defineConfig, type Plugin } from 'vite';

const apiPort = process.env.PORT ?? '4000';
const schemaFile = path.resolve(import.meta.dirname, '../schema.graphql');

/** A type reference without descriptions: all graphcache reads. */
function ref(t: IntrospectionTypeRef): unknown {
  return 'ofType' in t && t.ofType ? { kind: t.kind, ofType: ref(t.ofType) } : { kind: t.kind, name: (t as { name: string }).name };
}

function minifyType(t: IntrospectionType): unknown {
  if (t.kind === 'OBJECT' || t.kind === 'INTERFACE') {
    return {
      kind: t.kind,
      name: t.name,
      fields: t.fields.map((f) => ({ name: f.name, type: ref(f.type), args: [] })),
      interfaces: t.interfaces.map((i) => ({ kind: i.kind, name: i.name })),
    };
  }
  if (t.kind === 'UNION')
    return { kind: t.kind, name: t.name, possibleTypes: t.possibleTypes.map((p) => ({ kind: p.kind, name: p.name })) };
  return { kind: t.kind, name: t.name };
}

/**
 * `virtual:graphql-schema`: the committed schema.graphql as a minified introspection, so graphcache
 * knows the unions and interfaces (result unions implementing `Error`) without shipping SDL or the
 * graphql package to the browser. Built at bundle time from the same file codegen reads.
 */
function graphqlSchema(): Plugin {
  const id = 'virtual:graphql-schema';
  const resolved = `\0${id}`;
  return {
    name: 'l1-graphql-schema',
    resolveId: (source) => (source === id ? resolved : null),
    load(loaded) {
      if (loaded !== resolved) return null;
      this.addWatchFile(schemaFile);
      const { __schema: s } = introspectionFromSchema(buildSchema(readFileSync(schemaFile, 'utf8')));
      const minified = {
        __schema: {
          queryType: { name: s.queryType.name },
          mutationType: s.mutationType ? { name: s.mutationType.name } : null,
          subscriptionType: s.subscriptionType ? { name: s.subscriptionType.name } : null,
          types: s.types.filter((t) => !t.name.startsWith('__')).map(minifyType),
        },
      };
      return `export default ${JSON.stringify(minified)};`;
    },
  };
}

export default defineConfig({
  root: path.resolve(import.meta.dirname),
  plugins: [react(), graphqlSchema()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // Libraries in one cacheable chunk; the engineer and admin screens stay lazy chunks of their own.
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'vendor', test: /node_modules/ }] } } },
  },
  server: {
    port: 5173,
    proxy: {
      '/graphql': { target: `http://localhost:${apiPort}`, ws: true, changeOrigin: false },
    },
  },
});
