// Build-time stub: got uses cacheable-request only with its `cache` option, which apitest never sets.
export class CacheError extends Error {}
export default class CacheableRequest {
  constructor() {
    throw new Error('the got cache option is not enabled in this apitest build');
  }
}
