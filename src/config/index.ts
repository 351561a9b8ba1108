/**
 * The only reader of process.env: one synchronous, validated, frozen Config, and the list of
 * variables it reads (documented in the README).
 */
export { configVariables, loadConfig, type Config, type ConfigVariable, type ProcessRole } from './config.ts';
