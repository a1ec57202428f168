/** vitest helpers (globalSetup, per-test isolation, describeConformance): planned (see the README roadmap). */
export {};
