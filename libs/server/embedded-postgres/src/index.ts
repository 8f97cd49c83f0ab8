export * from './embedded-postgres.js';
export { locatePostgresBinaries, type PostgresBinaries } from './postgres-binaries.js';
export { isPostgresProcess, processExists, readPostmasterPid } from './postmaster-pid.js';
