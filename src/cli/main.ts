import { Command } from 'commander';
import { registerAdminCommands } from './admin-commands.ts';
import { registerServeCommands } from './serve-commands.ts';
import { registerIndicatorsCommands } from './indicators-commands.ts';
import { registerReportCommands } from './report-commands.ts';
import { simulateCommand } from './simulate-command.ts';
import { registerWebCommands } from './web-commands.ts';

/** The `yunjian` command: one entry point, one subcommand per task. */
const program = new Command('yunjian')
  .description('yunjian (运监): hospital operations monitoring center')
  .version('0.1.0')
  .showHelpAfterError();

registerServeCommands(program);
registerAdminCommands(program);
registerIndicatorsCommands(program);
registerReportCommands(program);
registerWebCommands(program);
program.addCommand(simulateCommand());

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`yunjian: ${message}\n`);
  process.exit(1);
});
