/** The relying-party conformance kit: planned (see the README roadmap). */
export {};
