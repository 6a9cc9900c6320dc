module.exports = {
  extends: ['eslint-config-salesforce-typescript', 'plugin:sf-plugin/recommended'],
  root: true,
  parserOptions: { project: ['./tsconfig.json', './test/tsconfig.json'] },
  rules: {
    header: 'off',
    // Files are small and single-purpose; license headers live in LICENSE.
    'class-methods-use-this': 'off',
  },
};
