const WORDS_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A random 20-character password (the API wants 12 or more); readable: no 0/O, 1/l/I. */
export function generatePassword(length = 20): string {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => WORDS_ALPHABET[b % WORDS_ALPHABET.length]).join('');
}

export const MIN_PASSWORD = 12;

export function passwordProblem(password: string): string | undefined {
  if (password.length === 0) return undefined;
  return password.length < MIN_PASSWORD
    ? `At least ${MIN_PASSWORD} characters (${password.length} so far).`
    : undefined;
}
