// openid4vc.mjs is a wallet built on an independent OpenID4VC implementation
// (oid4vc-ts: @openid4vc/openid4vci, @openid4vc/openid4vp, @openid4vc/oauth2)
// and jose. openid_test.go runs it against a service it started; it reads
// a plan (JSON) on standard input:
//   {"offer", "txCode", "offerByValue", "wrongTxOffer", "expiredOffer",
//    "staleNonceOffer", "wrongAudOffer", "sdRequest", "jwtRequest",
//    "otherNonceRequest", "otherRequest", "replayRequest"}
// (offer URIs and OpenID4VP authorisation request URIs), and prints one
// JSON line per case: {"case", "ok", "error", "detail"}. "error" is the
// OAuth error code the service answered with, if any.
import {createHash, randomBytes} from 'node:crypto';

import * as jose from 'jose';
import {setGlobalConfig} from '@openid4vc/utils';
import {clientAuthenticationAnonymous, HashAlgorithm} from '@openid4vc/oauth2';
import {Openid4vciClient} from '@openid4vc/openid4vci';
import {Openid4vpClient} from '@openid4vc/openid4vp';

setGlobalConfig({allowInsecureUrls: true}); // the service runs on http://127.0.0.1 in the test

const plan = JSON.parse(await new Promise((resolve, reject) => {
  let s = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', d => { s += d; });
  process.stdin.on('end', () => resolve(s));
  process.stdin.on('error', reject);
}));

// ---- the holder key: Ed25519, named by did:jwk --------------------------------
const {publicKey, privateKey} = await jose.generateKeyPair('EdDSA', {crv: 'Ed25519', extractable: true});
const pub = await jose.exportJWK(publicKey);
const publicJwk = {crv: pub.crv, kty: pub.kty, x: pub.x}; // members in lexicographic order
const holder = 'did:jwk:' + jose.base64url.encode(JSON.stringify(publicJwk));
const holderKid = holder + '#0';

const b64 = s => jose.base64url.encode(s);
const sha256 = data => new Uint8Array(createHash('sha256').update(data).digest());

const callbacks = {
  fetch,
  hash: (data, alg) => {
    if(alg !== HashAlgorithm.Sha256) throw new Error(`hash ${alg} not supported`);
    return sha256(data);
  },
  generateRandom: n => new Uint8Array(randomBytes(n)),
  clientAuthentication: clientAuthenticationAnonymous(),
  signJwt: async (signer, {header, payload}) => {
    const jwt = await new jose.CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader(header).sign(privateKey);
    return {jwt, signerJwk: publicJwk};
  },
  verifyJwt: async () => ({verified: false}),
  encryptJwe: async () => { throw new Error('no JWE'); },
  decryptJwe: async () => { throw new Error('no JWE'); },
};
const vci = new Openid4vciClient({callbacks});
const vp = new Openid4vpClient({callbacks});
const signer = {method: 'jwk', publicJwk, alg: 'EdDSA'};

function errorCode(err) {
  return err?.errorResponse?.error ?? err?.response?.credentialErrorResponseResult?.data?.error ??
    err?.response?.credentialErrorResponseResult?.output?.error ?? err?.error ?? null;
}

function report(name, ok, error, detail) {
  console.log(JSON.stringify({case: name, ok, error: error ?? null, detail: detail ?? null}));
}

async function run(name, fn) {
  try {
    const detail = await fn();
    report(name, true, null, detail);
  } catch(err) {
    report(name, false, errorCode(err), String(err?.message ?? err).slice(0, 500));
  }
}

// ---- OpenID4VCI ---------------------------------------------------------------

async function open(offerUri, txCode) {
  const credentialOffer = await vci.resolveCredentialOffer(offerUri);
  const issuerMetadata = await vci.resolveIssuerMetadata(credentialOffer.credential_issuer);
  const {accessTokenResponse} = await vci.retrievePreAuthorizedCodeAccessTokenFromOffer({credentialOffer, issuerMetadata, txCode});
  return {credentialOffer, issuerMetadata, accessToken: accessTokenResponse.access_token};
}

async function fetchCredential(session, configurationId, proofJwt) {
  const {issuerMetadata, accessToken} = session;
  let jwt = proofJwt;
  if(!jwt) {
    const {c_nonce: nonce} = await vci.requestNonce({issuerMetadata});
    ({jwt} = await vci.createCredentialRequestJwtProof({issuerMetadata, credentialConfigurationId: configurationId, signer, nonce}));
  }
  const res = await vci.retrieveCredentials({issuerMetadata, accessToken, credentialConfigurationId: configurationId, proofs: {jwt: [jwt]}});
  const c = res.credentialResponse.credentials[0].credential;
  return typeof c === 'string' ? c : JSON.stringify(c);
}

const held = {};

await run('vci/receive-both-formats-by-reference-with-tx-code', async () => {
  const s = await open(plan.offer, plan.txCode);
  for(const id of s.credentialOffer.credential_configuration_ids) {
    const format = s.issuerMetadata.credentialIssuer.credential_configurations_supported[id].format;
    held[format] = await fetchCredential(s, id);
  }
  const subject = jose.decodeJwt(held['jwt_vc_json']).credentialSubject.id;
  if(subject !== holder) throw new Error(`the credential is bound to ${subject}, not the proof key ${holder}`);
  return {formats: Object.keys(held)};
});

await run('vci/receive-by-value', async () => {
  const s = await open(plan.offerByValue);
  return {credential: (await fetchCredential(s, s.credentialOffer.credential_configuration_ids[0])).length > 0};
});

await run('vci/reused-pre-authorized-code', () => open(plan.offer, plan.txCode));
await run('vci/wrong-tx-code', () => open(plan.wrongTxOffer, '000000'));
await run('vci/expired-offer', () => open(plan.expiredOffer));

await run('vci/stale-nonce', async () => {
  const s = await open(plan.staleNonceOffer);
  const id = s.credentialOffer.credential_configuration_ids[0];
  const {c_nonce: nonce} = await vci.requestNonce({issuerMetadata: s.issuerMetadata});
  const {jwt} = await vci.createCredentialRequestJwtProof({issuerMetadata: s.issuerMetadata, credentialConfigurationId: id, signer, nonce});
  await fetchCredential(s, id, jwt); // spends the nonce
  const s2 = await open(plan.staleNonceOffer2);
  return fetchCredential(s2, s2.credentialOffer.credential_configuration_ids[0], jwt);
});

await run('vci/wrong-audience', async () => {
  const s = await open(plan.wrongAudOffer);
  const id = s.credentialOffer.credential_configuration_ids[0];
  const {c_nonce: nonce} = await vci.requestNonce({issuerMetadata: s.issuerMetadata});
  const jwt = await new jose.SignJWT({nonce, aud: plan.otherIssuer, iat: Math.floor(Date.now() / 1000)})
    .setProtectedHeader({alg: 'EdDSA', typ: 'openid4vci-proof+jwt', jwk: publicJwk}).sign(privateKey);
  return fetchCredential(s, id, jwt);
});

// ---- OpenID4VP ----------------------------------------------------------------

async function resolveRequest(uri) {
  const parsed = vp.parseOpenid4vpAuthorizationRequest({authorizationRequest: uri});
  return vp.resolveOpenId4vpAuthorizationRequest({authorizationRequestPayload: parsed.params});
}

// presentSdJwt keeps the disclosures of the claims asked for and adds a
// key-binding JWT for the verifier's nonce and client_id.
async function presentSdJwt(sdjwt, names, nonce, aud) {
  const [issuerJwt, ...rest] = sdjwt.split('~');
  const disclosures = rest.filter(Boolean).filter(d => names.includes(JSON.parse(new TextDecoder().decode(jose.base64url.decode(d)))[1]));
  const presented = [issuerJwt, ...disclosures].join('~') + '~';
  const kb = await new jose.SignJWT({nonce, aud, iat: Math.floor(Date.now() / 1000), sd_hash: b64(sha256(presented))})
    .setProtectedHeader({alg: 'EdDSA', typ: 'kb+jwt', kid: holderKid}).sign(privateKey);
  return presented + kb;
}

// presentJwt wraps a vc+jwt in a holder-signed VCDM 1.1 JWT VP.
async function presentJwt(jwt, nonce, aud) {
  return new jose.SignJWT({
    vp: {'@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiablePresentation'], verifiableCredential: [jwt]},
    nonce, iat: Math.floor(Date.now() / 1000),
  }).setProtectedHeader({alg: 'EdDSA', typ: 'JWT', kid: holderKid}).setIssuer(holder).setAudience(aud).sign(privateKey);
}

// answer picks, per credential set, the first option of a format held,
// presents it for (nonce, aud) and posts the response.
async function answer(resolved, {nonce, aud} = {}) {
  const req = resolved.authorizationRequestPayload;
  const query = resolved.dcql.query;
  const vpToken = {};
  for(const set of query.credential_sets ?? [{options: query.credentials.map(c => [c.id])}]) {
    const option = set.options.find(o => o.every(id => held[query.credentials.find(c => c.id === id).format]));
    if(!option) throw new Error('no held credential meets the request');
    for(const id of option) {
      const q = query.credentials.find(c => c.id === id);
      const names = (q.claims ?? []).map(c => c.path[c.path.length - 1]);
      vpToken[id] = [q.format === 'dc+sd-jwt'
        ? await presentSdJwt(held[q.format], names, nonce ?? req.nonce, aud ?? req.client_id)
        : await presentJwt(held[q.format], nonce ?? req.nonce, aud ?? req.client_id)];
    }
  }
  const {authorizationResponsePayload} = await vp.createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: req, authorizationResponsePayload: {vp_token: vpToken},
  });
  const {response} = await vp.submitOpenid4vpAuthorizationResponse({authorizationRequestPayload: req, authorizationResponsePayload});
  const body = await response.json().catch(() => ({}));
  if(!response.ok) {
    const e = new Error(`the verifier answered ${response.status}: ${body.error_description ?? ''}`);
    e.error = body.error;
    throw e;
  }
  return {status: response.status, queries: Object.keys(vpToken), response: authorizationResponsePayload};
}

await run('vp/sd-jwt-selective-disclosure', async () => {
  const r = await answer(await resolveRequest(plan.sdRequest));
  return {queries: r.queries};
});

await run('vp/vc-jwt-in-jwt-vp', async () => {
  const resolved = await resolveRequest(plan.jwtRequest);
  const sd = held['dc+sd-jwt'];
  delete held['dc+sd-jwt']; // only the vc+jwt: the jwt_vc_json option is chosen
  try {
    return {queries: (await answer(resolved)).queries};
  } finally {
    held['dc+sd-jwt'] = sd;
  }
});

await run('vp/nonce-of-another-request', async () => {
  const other = await resolveRequest(plan.otherRequest);
  return answer(await resolveRequest(plan.otherNonceRequest), {nonce: other.authorizationRequestPayload.nonce});
});

await run('vp/wrong-audience', async () => {
  const resolved = await resolveRequest(plan.wrongAudRequest);
  return answer(resolved, {aud: 'redirect_uri:https://verifier.example/response'});
});

await run('vp/replayed-response', async () => {
  const resolved = await resolveRequest(plan.replayRequest);
  const first = await answer(resolved);
  const {response} = await vp.submitOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: resolved.authorizationRequestPayload, authorizationResponsePayload: first.response,
  });
  const body = await response.json().catch(() => ({}));
  if(!response.ok) {
    const e = new Error(`the verifier answered ${response.status}: ${body.error_description ?? ''}`);
    e.error = body.error;
    throw e;
  }
  return {status: response.status};
});
