/** The package version, inlined at build time; `dev` when running from source (tests). */
export const VERSION: string = typeof __APITEST_VERSION__ === 'string' ? __APITEST_VERSION__ : '0.0.0-dev';
