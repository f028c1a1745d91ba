/**
 * curl's command-line options: which take a value (so the importer knows which word is an option's value and which
 * is a URL), their one-letter forms, and, for those a suite cannot express, why. The list is curl 7.88's
 * `curl --help all`, plus the options added by curl 8.x up to 8.16.
 */

/** Options that take a value. */
const WITH_VALUE = `abstract-unix-socket alt-svc aws-sigv4 cacert capath cert cert-type ciphers config connect-timeout connect-to
  continue-at cookie cookie-jar create-file-mode crlfile curves data data-ascii data-binary data-raw data-urlencode delegation
  dns-interface dns-ipv4-addr dns-ipv6-addr dns-servers doh-url dump-header egd-file engine etag-compare etag-save
  expect100-timeout form form-string ftp-account ftp-alternative-to-user ftp-method ftp-port ftp-ssl-ccc-mode
  happy-eyeballs-timeout-ms header hostpubmd5 hostpubsha256 hsts interface json keepalive-time key key-type krb libcurl
  limit-rate local-port login-options mail-auth mail-from mail-rcpt max-filesize max-redirs max-time netrc-file noproxy
  oauth2-bearer output output-dir parallel-max pass pinnedpubkey preproxy proto proto-default proto-redir proxy
  proxy-cacert proxy-capath proxy-cert proxy-cert-type proxy-ciphers proxy-crlfile proxy-header proxy-key proxy-key-type
  proxy-pass proxy-pinnedpubkey proxy-service-name proxy-tls13-ciphers proxy-tlsauthtype proxy-tlspassword proxy-tlsuser
  proxy-user proxy1.0 pubkey quote random-file range rate referer request request-target resolve retry retry-delay
  retry-max-time sasl-authzid service-name socks4 socks4a socks5 socks5-gssapi-service socks5-hostname speed-limit
  speed-time stderr telnet-option tftp-blksize time-cond tls-max tls13-ciphers tlsauthtype tlspassword tlsuser trace
  trace-ascii unix-socket upload-file url url-query user user-agent write-out
  variable ipfs-gateway ech ip-tos vlan-priority trace-config haproxy-clientip keepalive-cnt knownhosts ssl-sessions
  sigalgs upload-flags parallel-max-host krb4`;

/** Options that take none (switches; most also have a `--no-` form). */
const SWITCHES = `anyauth append basic cert-status compressed compressed-ssh create-dirs crlf digest disable disable-eprt
  disable-epsv disallow-username-in-url doh-cert-status doh-insecure fail fail-early fail-with-body false-start form-escape
  ftp-create-dirs ftp-pasv ftp-pret ftp-skip-pasv-ip ftp-ssl-ccc ftp-ssl-control get globoff haproxy-protocol head help
  http0.9 http1.0 http1.1 http2 http2-prior-knowledge http3 http3-only ignore-content-length include insecure ipv4 ipv6
  junk-session-cookies list-only location location-trusted mail-rcpt-allowfails manual metalink negotiate netrc
  netrc-optional next no-alpn no-buffer no-clobber no-keepalive no-npn no-progress-meter no-sessionid ntlm ntlm-wb parallel
  parallel-immediate path-as-is post301 post302 post303 progress-bar proxy-anyauth proxy-basic proxy-digest proxy-insecure
  proxy-negotiate proxy-ntlm proxy-ssl-allow-beast proxy-ssl-auto-client-cert proxy-tlsv1 proxytunnel raw
  remote-header-name remote-name remote-name-all remote-time remove-on-error retry-all-errors retry-connrefused sasl-ir
  show-error silent socks5-basic socks5-gssapi socks5-gssapi-nec ssl ssl-allow-beast ssl-auto-client-cert ssl-no-revoke
  ssl-reqd ssl-revoke-best-effort sslv2 sslv3 styled-output suppress-connect-headers tcp-fastopen tcp-nodelay
  tftp-no-options tlsv1 tlsv1.0 tlsv1.1 tlsv1.2 tlsv1.3 tr-encoding trace-time use-ascii verbose version xattr
  ca-native proxy-ca-native proxy-http2 mptcp skip-existing trace-ids dump-ca-embed tls-earlydata out-null follow
  ftp-ssl ftp-ssl-reqd`;

const words = (list: string): string[] => list.split(/\s+/).filter((w) => w !== '');

export const OPTIONS_WITH_VALUE: ReadonlySet<string> = new Set(words(WITH_VALUE));
export const SWITCH_OPTIONS: ReadonlySet<string> = new Set(words(SWITCHES));

/** One-letter options and their long names. */
export const SHORT_OPTIONS: Readonly<Record<string, string>> = {
  a: 'append', E: 'cert', K: 'config', C: 'continue-at', b: 'cookie', c: 'cookie-jar', d: 'data', q: 'disable', D: 'dump-header',
  f: 'fail', F: 'form', P: 'ftp-port', G: 'get', g: 'globoff', I: 'head', H: 'header', h: 'help', '0': 'http1.0', i: 'include',
  k: 'insecure', '4': 'ipv4', '6': 'ipv6', j: 'junk-session-cookies', l: 'list-only', L: 'location', M: 'manual', m: 'max-time',
  n: 'netrc', ':': 'next', N: 'no-buffer', o: 'output', Z: 'parallel', '#': 'progress-bar', x: 'proxy', U: 'proxy-user',
  p: 'proxytunnel', Q: 'quote', r: 'range', e: 'referer', J: 'remote-header-name', O: 'remote-name', R: 'remote-time',
  X: 'request', S: 'show-error', s: 'silent', Y: 'speed-limit', y: 'speed-time', '2': 'sslv2', '3': 'sslv3', t: 'telnet-option',
  z: 'time-cond', '1': 'tlsv1', T: 'upload-file', B: 'use-ascii', u: 'user', A: 'user-agent', v: 'verbose', V: 'version',
  w: 'write-out',
};

/**
 * Options that change only what curl itself prints or saves (the response, progress, traces), or how it fails,
 * never the request: a suite has its own reporters, so they are noted and left out (not counted by --strict).
 */
export const OUTPUT_ONLY: ReadonlySet<string> = new Set(
  words(`silent show-error verbose include output remote-name remote-name-all remote-header-name remote-time write-out
    progress-bar no-progress-meter dump-header trace trace-ascii trace-time trace-ids trace-config stderr create-dirs
    create-file-mode output-dir no-buffer styled-output libcurl xattr no-clobber remove-on-error skip-existing out-null
    fail fail-with-body fail-early disable help manual version`),
);

/** Why an option that changes the request or the connection has no suite equivalent (others: NO_EQUIVALENT). */
export const UNMAPPED_REASONS: Readonly<Record<string, string>> = {
  proxy: 'a suite has no proxy setting',
  'proxy-user': 'a suite has no proxy setting',
  noproxy: 'a suite has no proxy setting',
  socks5: 'a suite has no proxy setting',
  'socks5-hostname': 'a suite has no proxy setting',
  cacert: 'a suite cannot name a CA file (give it to the run instead)',
  capath: 'a suite cannot name a CA directory',
  cert: 'a suite has no client certificate setting',
  key: 'a suite has no client certificate setting',
  'connect-timeout': 'a suite has only a total timeout',
  digest: 'a suite has Basic, Bearer, API-key and OAuth2 (client credentials) auth',
  ntlm: 'a suite has Basic, Bearer, API-key and OAuth2 (client credentials) auth',
  negotiate: 'a suite has Basic, Bearer, API-key and OAuth2 (client credentials) auth',
  anyauth: 'a suite has Basic, Bearer, API-key and OAuth2 (client credentials) auth',
  'aws-sigv4': 'a suite has Basic, Bearer, API-key and OAuth2 (client credentials) auth',
  'cookie-jar': 'a suite does not save cookies to a file',
  'junk-session-cookies': 'a suite does not read cookie files',
  http2: 'a suite speaks HTTP/1.1',
  'http2-prior-knowledge': 'a suite speaks HTTP/1.1',
  http3: 'a suite speaks HTTP/1.1',
  'http3-only': 'a suite speaks HTTP/1.1',
  'http1.0': 'a suite speaks HTTP/1.1',
  resolve: 'a suite resolves host names with the system resolver',
  'connect-to': 'a suite connects to the host of the URL',
  'unix-socket': 'a suite connects over TCP',
  'limit-rate': 'a suite limits requests per second (defaults.rate), not bytes per second',
  'retry-max-time': 'a suite retry has a count and delays, not a total time',
  'retry-all-errors': 'a suite retries network errors and the statuses in retry.on',
  'retry-connrefused': 'a suite retries network errors and the statuses in retry.on',
  'location-trusted': 'followRedirects is set; whether credentials go to other hosts follows apitest\'s rule',
  config: 'the options in the config file are not read',
  netrc: 'a suite does not read .netrc',
  'netrc-file': 'a suite does not read .netrc',
  'netrc-optional': 'a suite does not read .netrc',
  'path-as-is': 'the URL path is normalized',
  'request-target': 'a suite sends the URL\'s path',
  parallel: 'steps of a suite file run one after the other',
  variable: 'curl variables are not expanded',
  'time-cond': 'no If-Modified-Since is derived',
};

export const NO_EQUIVALENT = 'no equivalent in a suite';
