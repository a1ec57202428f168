/** The reference relying party (flow manager, state stores, loopback login): planned (see the README roadmap). */
export {};
