// Runs codegen.yml without writing anything and prints { filename: content } as JSON:
// `node generate-sdk.mjs <project root>`. A child process of test/sdk-codegen.test.ts, because
// @graphql-codegen/cli loads ES modules that jest's CommonJS runtime cannot.
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';

const root = process.argv[2];
const { config } = await loadCodegenConfig({ configFilePath: `${root}/codegen.yml` });
const outputs = await generate({ ...config, cwd: root, silent: true }, false);
process.stdout.write(JSON.stringify(Object.fromEntries(outputs.map((output) => [output.filename, output.content]))));
