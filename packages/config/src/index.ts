export {
  ConfigError,
  formatConfigError,
  getConfig,
  LOG_LEVELS,
  parseConfig,
  resetConfigForTests,
  type Config,
  type ConfigIssue,
  type LogLevel,
} from "./env";
export { APP_VERSION, findWorkspaceRoot } from "./workspace";
