// Build-time stub: got imports http2-wrapper eagerly but uses it only with its `http2: true` option, which apitest
// never sets. --http2 gives got http2-wrapper's own request function instead, read from dist/http2.cjs on first use
// (src/engine/http2.ts).
const unsupported = () => {
  throw new Error('HTTP/2 is not enabled in this apitest build');
};
export default { globalAgent: undefined, auto: unsupported, request: unsupported, get: unsupported };
