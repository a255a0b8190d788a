// Runs codegen.yml without writing anything and prints { filename: content } as JSON.
// A child process of test/sdk-codegen.test.ts: @graphql-codegen/cli loads ESM modules that
// jest's CommonJS runtime cannot, while Node itself can.
const { generate, loadCodegenConfig } = require('@graphql-codegen/cli');

async function main() {
  const root = process.argv[2];
  const { config } = await loadCodegenConfig({ configFilePath: `${root}/codegen.yml` });
  const outputs = await generate({ ...config, cwd: root, silent: true }, false);
  process.stdout.write(JSON.stringify(Object.fromEntries(outputs.map((output) => [output.filename, output.content]))));
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
