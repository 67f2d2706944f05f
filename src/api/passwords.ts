import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

/** scrypt cost (OWASP's minimum for scrypt: N=2^17 is stronger but 128 MiB per login; 2^15 = 32 MiB). */
const SCRYPT = { N: 32768, r: 8, p: 1, keyLength: 64, saltBytes: 16 };
const MAX_MEM = 64 * 1024 * 1024;

/** Shortest password `users create` and the login form accept. */
export const MIN_PASSWORD_LENGTH = 8;

/**
 * Hashes a password as `scrypt$N$r$p$<salt>$<hash>` (base64), so the parameters can be raised
 * later without invalidating stored hashes.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltBytes);
  const hash = await _scrypt(password, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: MAX_MEM });
  return ["scrypt", SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString("base64"), hash.toString("base64")].join("$");
}

/** Constant-time check of a password against a stored hash; false for any malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, "base64");
  const expected = Buffer.from(parts[5]!, "base64");
  if (!Number.isInteger(N) || !Number.isInteger(r) || !Number.isInteger(p) || expected.length === 0) return false;
  const actual = await _scrypt(password, salt, expected.length, { N, r, p, maxmem: MAX_MEM });
  return timingSafeEqual(actual, expected);
}

/** A hash to verify against when the user does not exist, so timing does not reveal which emails exist. */
export const DUMMY_PASSWORD_HASH = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${Buffer.alloc(16).toString("base64")}$${Buffer.alloc(64).toString("base64")}`;

// --- Internal ---

function _scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}
