module.exports = {
  extends: ['eslint-config-salesforce-typescript', 'plugin:sf-plugin/recommended'],
  root: true,
  parserOptions: { project: ['./tsconfig.json', './test/tsconfig.json'] },
  overrides: [
    {
      // bench/lib is the bench's own helpers, not the build output the rule guards against; the bench runs tools one
      // after another on purpose, so that they do not compete for the machine.
      files: ['bench/**/*.ts'],
      rules: { 'no-restricted-imports': 'off', 'no-await-in-loop': 'off' },
    },
  ],
  rules: {
    header: 'off',
    // Files are small and single-purpose; license headers live in LICENSE.
    'class-methods-use-this': 'off',
  },
};
