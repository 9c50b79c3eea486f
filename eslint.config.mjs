import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

// Layers point one way (issue 16): app/ → lib/ → db/; inngest/ drives lib/. Only db/ (and inngest/)
// write SQL; db/ knows nothing of lib/import or lib/qbo; lib/ never reaches into inngest/.
const noDrizzle = {
  group: ["drizzle-orm", "drizzle-orm/*"],
  message: "Queries live in db/queries/*: call a function there instead of using drizzle here.",
};
const noInngest = {
  group: ["@/inngest", "@/inngest/*"],
  message: "lib/ must not import inngest/: take a sendEvent dependency (inngest/ passes it in).",
};

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  { ignores: [".next/**", "node_modules/**", ".data/**", "test-results/**", "playwright-report/**", "db/migrations/**", "next-env.d.ts"] },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["lib/**/*.{ts,tsx}"],
    rules: { "no-restricted-imports": ["error", { patterns: [noDrizzle, noInngest] }] },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    rules: { "no-restricted-imports": ["error", { patterns: [noDrizzle] }] },
  },
  {
    files: ["db/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/lib/import", "@/lib/import/*", "@/lib/qbo", "@/lib/qbo/*"],
              message: "db/ must not depend on lib/import or lib/qbo: shared row-level types live in db/types.ts.",
            },
            { group: ["@/inngest", "@/inngest/*"], message: "db/ must not import inngest/." },
          ],
        },
      ],
    },
  },
];

export default config;
