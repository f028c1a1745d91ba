/** Replaced at build time by esbuild with the package version. */
declare const __APITEST_VERSION__: string | undefined;
