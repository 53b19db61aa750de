// What the browser has and Node.js 18 (Debian 12's) lacks, for the web unit
// tests: the global Web Crypto (Node 20 has it, Node 18 only as node:crypto's webcrypto).
import { webcrypto } from 'node:crypto';

if (!globalThis.crypto) globalThis.crypto = webcrypto;
