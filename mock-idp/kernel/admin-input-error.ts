/** A rejected admin change: the message names the field and why, like start-up config errors. */
export class AdminInputError extends Error {
  override name = 'AdminInputError';
}
