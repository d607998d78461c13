/**
 * MD5 (RFC 1321) and HMAC-MD5 (RFC 2104) over bytes. WebCrypto has no MD5, yet SOLAPI's scheme still
 * allows `HMAC-MD5`; this small synchronous implementation keeps the server on Web APIs only.
 */

// Per-round left-rotation amounts (RFC 1321, section 3.4).
const SHIFTS = new Uint8Array([
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
  14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15,
  21, 6, 10, 15, 21
])

// floor(|sin(i + 1)| * 2^32), written out rather than computed so no engine's `Math.sin` rounding matters.
const CONSTANTS = new Uint32Array([
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501, 0x698098d8,
  0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340,
  0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87,
  0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
  0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039,
  0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92,
  0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
  0xeb86d391
])

const BLOCK_BYTES = 64

/** The 16-byte MD5 digest of `message`. */
export const md5 = (message: Uint8Array): Uint8Array => {
  // Padding: one 0x80 byte, zeros up to 56 mod 64, then the bit length as a little-endian 64-bit word.
  const paddedLength = (Math.floor((message.length + 8) / BLOCK_BYTES) + 1) * BLOCK_BYTES
  const padded = new Uint8Array(paddedLength)
  padded.set(message)
  padded[message.length] = 0x80
  const view = new DataView(padded.buffer)
  view.setUint32(paddedLength - 8, (message.length * 8) >>> 0, true)
  view.setUint32(paddedLength - 4, Math.floor(message.length / 0x20000000), true)

  const words = new Uint32Array(16)
  let a0 = 0x67452301
  let b0 = 0xefcdab89
  let c0 = 0x98badcfe
  let d0 = 0x10325476
  for (let offset = 0; offset < paddedLength; offset += BLOCK_BYTES) {
    for (let j = 0; j < 16; j++) words[j] = view.getUint32(offset + j * 4, true)
    let a = a0
    let b = b0
    let c = c0
    let d = d0
    for (let i = 0; i < 64; i++) {
      let f: number
      let g: number
      if (i < 16) {
        f = (b & c) | (~b & d)
        g = i
      } else if (i < 32) {
        f = (d & b) | (~d & c)
        g = (5 * i + 1) % 16
      } else if (i < 48) {
        f = b ^ c ^ d
        g = (3 * i + 5) % 16
      } else {
        f = c ^ (b | ~d)
        g = (7 * i) % 16
      }
      const shift = SHIFTS[i] ?? 0
      const sum = (a + f + (CONSTANTS[i] ?? 0) + (words[g] ?? 0)) | 0
      a = d
      d = c
      c = b
      b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0
    }
    a0 = (a0 + a) | 0
    b0 = (b0 + b) | 0
    c0 = (c0 + c) | 0
    d0 = (d0 + d) | 0
  }

  const digest = new Uint8Array(16)
  const out = new DataView(digest.buffer)
  out.setUint32(0, a0 >>> 0, true)
  out.setUint32(4, b0 >>> 0, true)
  out.setUint32(8, c0 >>> 0, true)
  out.setUint32(12, d0 >>> 0, true)
  return digest
}

/** HMAC-MD5 (RFC 2104): keys longer than the 64-byte block are hashed first, shorter ones zero-padded. */
export const hmacMd5 = (key: Uint8Array, message: Uint8Array): Uint8Array => {
  const blockKey = new Uint8Array(BLOCK_BYTES)
  blockKey.set(key.length > BLOCK_BYTES ? md5(key) : key)
  const inner = new Uint8Array(BLOCK_BYTES + message.length)
  const outer = new Uint8Array(BLOCK_BYTES + 16)
  for (let i = 0; i < BLOCK_BYTES; i++) {
    const k = blockKey[i] ?? 0
    inner[i] = k ^ 0x36
    outer[i] = k ^ 0x5c
  }
  inner.set(message, BLOCK_BYTES)
  outer.set(md5(inner), BLOCK_BYTES)
  return md5(outer)
}
