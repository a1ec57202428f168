/** msw 2 handlers serving mock-idp at real provider hostnames: planned (see the README roadmap). */
export {};
