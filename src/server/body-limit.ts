import { createGraphQLError, type Plugin } from 'graphql-yoga';

/**
 * Largest GraphQL request body accepted: room for the largest legal flow draft (500 nodes of 2000
 * characters) even with every character \u-escaped, and well short of yoga's 25 MB default.
 */
export const MAX_BODY_BYTES = 8_000_000;

/**
 * Largest multipart (file upload) request: twenty knowledge base files of 5 MB and the operation.
 * A file over 5 MB still arrives, so importKbFiles can refuse that one file and import the rest.
 */
export const MAX_UPLOAD_BYTES = 20 * 5 * 1024 * 1024 + 1_000_000;

const tooLarge = (limit: number) =>
  createGraphQLError(`Request body too large (limit ${limit} bytes)`, {
    extensions: { http: { status: 413 }, code: 'PAYLOAD_TOO_LARGE' },
  });

/**
 * Replaces yoga's own body limit (`maxRequestBodySize: false`), which pipes every body through a
 * TransformStream; that stream plumbing was a tenth of the server's CPU per request. When the
 * request declares Content-Length, Node's HTTP parser delivers exactly that many bytes, so the
 * header check is enough; only a chunked body without one is counted as it streams in.
 */
export function useBodyLimit(jsonLimit = MAX_BODY_BYTES, uploadLimit = MAX_UPLOAD_BYTES): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const multipart = /^multipart\/form-data/i.test(request.headers.get('content-type') ?? '');
      const limit = multipart ? uploadLimit : jsonLimit;
      const length = request.headers.get('content-length');
      if (length != null) {
        if (!/^\d+$/.test(length)) {
          throw createGraphQLError('Content-Length header is invalid', {
            extensions: { http: { status: 400 }, code: 'BAD_REQUEST' },
          });
        }
        if (Number(length) > limit) throw tooLarge(limit);
        return;
      }
      if (!requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser((req) => {
        let seen = 0;
        // The body may be Node's native stream or the fetch ponyfill's; pipe it through its own kind.
        const Transform = req.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
        const counted = req.body!.pipeThrough(
          new Transform<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              seen += chunk.byteLength;
              if (seen > limit) controller.error(tooLarge(limit));
              else controller.enqueue(chunk);
            },
          }),
        );
        return parse(
          new fetchAPI.Request(req.url, {
            method: req.method,
            headers: req.headers,
            signal: req.signal,
            body: counted,
            duplex: 'half',
          } as RequestInit),
        );
      });
    },
  };
}
