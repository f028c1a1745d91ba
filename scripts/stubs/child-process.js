// Build-time stub for commander only: it spawns executable subcommands, which apitest does not have.
const unsupported = () => {
  throw new Error('executable subcommands are not used by apitest');
};
module.exports = { spawn: unsupported, execSync: unsupported, spawnSync: unsupported, fork: unsupported };
