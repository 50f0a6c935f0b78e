import { defineConfig } from "vitest/config";

// Three tiers, each with its own timeout (STYLE.md 11). Integration and e2e tests use the
// real simulator on 127.0.0.1 port 0, real ffmpeg and the real bin.
const env = { NO_COLOR: "1", FORCE_COLOR: "0", HPPYHORSE_API_KEY: "" };

export default defineConfig({
  test: {
    restoreMocks: true,
    projects: [
      {
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], testTimeout: 10_000, env },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          env,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 60_000,
          env,
        },
      },
    ],
  },
});
