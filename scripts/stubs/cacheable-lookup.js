// Build-time stub: got uses cacheable-lookup only with `dnsCache: true`, which apitest never sets.
export default class CacheableLookup {
  constructor() {
    throw new Error('the got dnsCache option is not enabled in this apitest build');
  }
}
