export const profilesPage: string;
export function clientTable(profile: string): string;
export function userTable(profile: string): string;
export function render(page: string): string;
export function generatedBlocks(page: string): string[];
