// One lint configuration for the whole workspace; each package runs `eslint .` against it.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/.next/**", "**/dist/**", "**/src/generated/**", "**/next-env.d.ts", "**/.turbo/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    rules: {
      "@typescript-eslint/consistent-type-definitions": ["error", "type"],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-restricted-syntax": [
        "error",
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: "Read settings through @mini-studio/config." },
      ],
    },
  },
  {
    // The config package owns process.env; scripts, examples, benchmarks and test harnesses build child environments.
    files: ["packages/config/**", "**/scripts/**", "**/examples/**", "e2e/**", "bench/**", "**/*.test.ts", "**/vitest.config.ts", "**/next.config.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
  {
    files: ["apps/web/**/*.tsx"],
    plugins: { "react-hooks": reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
);
