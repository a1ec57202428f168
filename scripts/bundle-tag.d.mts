/** Writes (or rewrites) the build line of a bundle and returns its hash. */
export function tagBundle(file: string): string;
