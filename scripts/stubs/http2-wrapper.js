// Build-time stub: got imports http2-wrapper eagerly but uses it only with `http2: true`, which apitest never sets.
const unsupported = () => {
  throw new Error('HTTP/2 is not enabled in this apitest build');
};
export default { globalAgent: undefined, auto: unsupported, request: unsupported, get: unsupported };
