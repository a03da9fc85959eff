import { parseArgs } from 'node:util';

/**
 * The two doc-writing scripts take no options: `--help` prints what they write and exits before
 * writing anything, and anything else is one line on stderr with a non-zero exit.
 */
export function answerHelp(name: string, usage: string): void {
  try {
    const { values } = parseArgs({ strict: true, options: { help: { type: 'boolean', short: 'h' } } });
    if (!values.help) return;
    console.log(usage);
    process.exit(0);
  } catch (error) {
    // parseArgs says what was wrong in its first sentence ("Unknown option '--foo'").
    console.error(
      `${name}: ${(error as Error).message.split('. ')[0]}; options: --help (it takes no others)`,
    );
    process.exit(2);
  }
}
