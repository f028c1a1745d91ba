/** Replaced at build time by esbuild with the package version. */
declare const __APITEST_VERSION__: string | undefined;
/** Replaced at build time by esbuild: the tricks this build leaves out (APITEST_WITHOUT, scripts/build.mjs). */
declare const __APITEST_WITHOUT__: readonly string[] | undefined;
