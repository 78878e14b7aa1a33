import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Ed25519 keys for signed tree heads. Private keys are stored encrypted with AES-256-GCM under the server's
 * master key: nonce (12 bytes) || tag (16 bytes) || ciphertext of the PKCS#8 DER key.
 */
export interface SigningKeyPair {
  publicKey: Buffer;
  privateKeyEncrypted: Buffer;
}

export function generateSigningKey(masterKey: Buffer): SigningKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKey: rawPublicKey(publicKey), privateKeyEncrypted: encrypt(masterKey, privateKey.export({ format: 'der', type: 'pkcs8' })) };
}

export function encrypt(masterKey: Buffer, plain: Buffer): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, nonce);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([nonce, cipher.getAuthTag(), body]);
}

export function decrypt(masterKey: Buffer, sealed: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', masterKey, sealed.subarray(0, 12));
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
}

function rawPublicKey(key: KeyObject): Buffer {
  // The SPKI DER of an Ed25519 key is a fixed 12-byte header followed by the 32-byte key.
  return key.export({ format: 'der', type: 'spki' }).subarray(12);
}

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The text a checkpoint signature covers; anyone can rebuild it from the checkpoint's JSON. */
export function checkpointMessage(c: { orgId: string; treeSize: number; rootHash: string; signedAt: string }): Buffer {
  return Buffer.from(`tenantproof-checkpoint/v1\n${c.orgId}\n${c.treeSize}\n${c.rootHash}\n${c.signedAt}\n`, 'utf8');
}

export function signMessage(masterKey: Buffer, privateKeyEncrypted: Buffer, message: Buffer): Buffer {
  const key = createPrivateKey({ key: decrypt(masterKey, privateKeyEncrypted), format: 'der', type: 'pkcs8' });
  return sign(null, message, key);
}

/** Verify an Ed25519 signature with a raw 32-byte public key. */
export function verifySignature(publicKey: Uint8Array, message: Buffer, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
  return verify(null, message, key, signature);
}
