// verify.mjs verifies credentials with independent implementations, offline:
//   vc+jwt (VC-JOSE-COSE)       → jose (panva)
//   Data Integrity (JSON)       → @digitalbazaar/vc + data-integrity +
//                                 eddsa-rdfc-2022 / ecdsa-rdfc-2019 cryptosuites
//
// Usage: node verify.mjs --contexts DIR FILE...
//
// DIR holds index.json ({"<context URL>": "<file name>"}) and the context
// files; the document loader serves exactly those and fails on any other
// URL. did:key is resolved locally by @digitalbazaar/did-method-key (Ed25519
// and P-256/P-384 multikeys). Prints one JSON line per file
// ({"file", "format", "verified", "error"}) and exits 1 unless every file
// verified.
import {readFile} from 'node:fs/promises';
import path from 'node:path';

import * as jose from 'jose';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';

const args = process.argv.slice(2);
const ci = args.indexOf('--contexts');
if(ci < 0 || ci + 1 >= args.length) {
  console.error('usage: node verify.mjs --contexts DIR FILE...');
  process.exit(2);
}
const contextDir = args[ci + 1];
const files = args.filter((_, i) => i !== ci && i !== ci + 1);

const contextIndex = JSON.parse(await readFile(path.join(contextDir, 'index.json'), 'utf8'));
const contexts = new Map();
for(const [url, file] of Object.entries(contextIndex)) {
  contexts.set(url, JSON.parse(await readFile(path.join(contextDir, file), 'utf8')));
}

const didKey = didKeyDriver();
didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});
didKey.use({multibaseMultikeyHeader: 'zDna', fromMultibase: EcdsaMultikey.from});
didKey.use({multibaseMultikeyHeader: 'z82L', fromMultibase: EcdsaMultikey.from});

async function documentLoader(url) {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  if(url.startsWith('did:key:')) {
    return {contextUrl: null, documentUrl: url, document: await didKey.get({url})};
  }
  throw new Error(`document loader: ${url} is not available offline`);
}

// verificationKey resolves a did:key verification method URL to a jose key.
async function verificationKey(kid) {
  const vm = await didKey.get({url: kid});
  if(!vm || !vm.publicKeyMultibase) {
    throw new Error(`kid ${kid} does not resolve to a verification method`);
  }
  const multikey = vm.publicKeyMultibase.startsWith('z6Mk') ? Ed25519Multikey : EcdsaMultikey;
  const jwk = await multikey.toJwk({keyPair: await multikey.from(vm)});
  const alg = {Ed25519: 'EdDSA', 'P-256': 'ES256', 'P-384': 'ES384'}[jwk.crv];
  if(!alg) {
    throw new Error(`unsupported key curve ${jwk.crv}`);
  }
  return {alg, key: await jose.importJWK(jwk, alg)};
}

async function verifyJWT(token) {
  const header = jose.decodeProtectedHeader(token);
  if(header.typ !== 'vc+jwt') {
    throw new Error(`typ is ${header.typ}, not vc+jwt`);
  }
  if(typeof header.kid !== 'string' || !header.kid.startsWith('did:key:')) {
    throw new Error('kid is not a did:key verification method');
  }
  const {alg, key} = await verificationKey(header.kid);
  if(header.alg !== alg) {
    throw new Error(`alg ${header.alg} does not fit the key (${alg})`);
  }
  const {payload} = await jose.compactVerify(token, key, {algorithms: [alg]});
  const cred = JSON.parse(new TextDecoder().decode(payload));
  const issuer = typeof cred.issuer === 'string' ? cred.issuer : cred.issuer?.id;
  if(issuer !== header.kid.split('#')[0]) {
    throw new Error(`kid ${header.kid} does not belong to the issuer ${issuer}`);
  }
  if(cred['@context']?.[0] !== 'https://www.w3.org/ns/credentials/v2') {
    throw new Error('the payload is not a VCDM 2.0 credential');
  }
}

async function verifyDataIntegrity(credential) {
  const suite = [
    new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
    new DataIntegrityProof({cryptosuite: ecdsaRdfc2019})
  ];
  const result = await vc.verifyCredential({credential, suite, documentLoader});
  if(!result.verified) {
    const errs = [result.error, ...(result.results || []).map(r => r.error)]
      .filter(Boolean).flatMap(e => e.errors || [e]);
    throw new Error(errs.map(e => e.message || String(e)).join('; ') || 'not verified');
  }
}

let ok = true;
for(const file of files) {
  const text = (await readFile(file, 'utf8')).trim();
  const format = text.startsWith('{') ? 'data-integrity' : 'vc+jwt';
  const out = {file: path.basename(file), format, verified: false};
  try {
    if(format === 'vc+jwt') {
      await verifyJWT(text);
    } else {
      await verifyDataIntegrity(JSON.parse(text));
    }
    out.verified = true;
  } catch(e) {
    out.error = e.message || String(e);
    ok = false;
  }
  console.log(JSON.stringify(out));
}
process.exit(ok ? 0 : 1);
