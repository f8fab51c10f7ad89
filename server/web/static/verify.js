// Verifier page. Plain browser JavaScript, no dependencies, no build step.
// All data from the input or the API is put into the page with textContent
// and DOM properties only; nothing is parsed as HTML.
'use strict';

(function () {
  const GRAPHQL = '/graphql';
  const MAX_FILE = 4 << 20;
  const POLL_MS = 2000;

  const RESULT = 'verified pending message checks { name ok status message credential member block } ' +
    'credentials { id types issuer subject validFrom validUntil claims } ' +
    'anchor { txHash block blockTime }';
  const VERIFY_CREDENTIAL = 'query VerifyCredential($credential: String!) { verifyCredential(credential: $credential) { ' + RESULT + ' } }';
  const VERIFY_PRESENTATION = 'query VerifyPresentation($presentation: String!, $challenge: String, $domain: String) { ' +
    'verifyPresentation(presentation: $presentation, challenge: $challenge, domain: $domain) { ' + RESULT + ' } }';
  const PRESENTATION_REQUEST = 'query PresentationRequest($id: ID!) { presentationRequest(id: $id) { ' +
    'id state purpose domain challenge expiresAt createdAt requestUri openid4vp { authorizationRequestUri } result { ' + RESULT + ' } } }';

  const $ = (id) => document.getElementById(id);

  // el builds an element; props are DOM properties (none that parse markup),
  // the rest are children: strings become text nodes, null is skipped.
  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null) continue;
      if (/html/i.test(k)) throw new Error('el: refusing to set ' + k);
      if (k === 'dataset') Object.assign(e.dataset, v);
      else if (k.startsWith('aria-') || k === 'role' || k === 'scope') e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  // ---- GraphQL ----------------------------------------------------------

  class GraphQLErrors extends Error {
    constructor(errors, status) {
      super(errors.map((e) => e.message).join('; '));
      this.errors = errors;
      this.status = status;
    }
  }

  async function gql(query, variables) {
    let resp;
    try {
      resp = await fetch(GRAPHQL, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
    } catch (err) {
      throw new GraphQLErrors([{ message: 'Could not reach the service: ' + err.message, extensions: { code: 'NETWORK_ERROR' } }], 0);
    }
    let body;
    try {
      body = await resp.json();
    } catch (err) {
      throw new GraphQLErrors([{ message: 'The service answered HTTP ' + resp.status + ' without a GraphQL response', extensions: { code: 'HTTP_' + resp.status } }], resp.status);
    }
    if (body && Array.isArray(body.errors) && body.errors.length > 0) {
      throw new GraphQLErrors(body.errors, resp.status);
    }
    if (!body || typeof body.data !== 'object' || body.data === null) {
      throw new GraphQLErrors([{ message: 'The response has no data', extensions: { code: 'HTTP_' + resp.status } }], resp.status);
    }
    return body.data;
  }

  // ---- Input format detection ------------------------------------------

  function b64urlJSON(part) {
    try {
      let s = part.replace(/-/g, '+').replace(/_/g, '/');
      while (s.length % 4) s += '=';
      const bin = atob(s);
      const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
      const v = JSON.parse(new TextDecoder().decode(bytes));
      return v && typeof v === 'object' ? v : null;
    } catch (err) {
      return null;
    }
  }

  function typesOf(obj) {
    if (!obj || typeof obj !== 'object') return [];
    const t = obj.type !== undefined ? obj.type : obj['@type'];
    return [].concat(t === undefined ? [] : t).filter((x) => typeof x === 'string');
  }

  // detect guesses what the input is: {kind: 'credential'|'presentation'|null, label}.
  function detect(raw) {
    const text = raw.trim();
    if (!text) return { kind: null, label: '' };
    if (text[0] === '{') {
      let doc;
      try {
        doc = JSON.parse(text);
      } catch (err) {
        return { kind: 'credential', label: 'JSON that does not parse' };
      }
      if (typesOf(doc).includes('VerifiablePresentation')) return { kind: 'presentation', label: 'JSON presentation' };
      return { kind: 'credential', label: doc && doc.proof ? 'Data Integrity credential (JSON with a proof)' : 'JSON credential without a proof' };
    }
    if (text.includes('~')) {
      const segs = text.split('~');
      const header = b64urlJSON(segs[0].split('.')[0] || '');
      const kb = segs[segs.length - 1] !== '';
      if (header && header.typ === 'vp+sd-jwt') return { kind: 'presentation', label: 'SD-JWT presentation (vp+sd-jwt)' };
      return { kind: 'presentation', label: 'SD-JWT (' + (segs.length - (kb ? 2 : 1)) + ' disclosures, ' + (kb ? 'with' : 'without') + ' key binding)' };
    }
    const parts = text.split('.');
    if (parts.length === 3) {
      const header = b64urlJSON(parts[0]);
      const payload = b64urlJSON(parts[1]);
      if (!header) return { kind: 'credential', label: 'not a readable JWT' };
      const typ = typeof header.typ === 'string' ? header.typ : '';
      if (typ === 'vp+jwt' || (payload && (payload.vp || typesOf(payload).includes('VerifiablePresentation')))) {
        return { kind: 'presentation', label: 'JWT presentation' + (typ ? ' (' + typ + ')' : '') };
      }
      return { kind: 'credential', label: 'JWT credential' + (typ ? ' (' + typ + ')' : '') };
    }
    if (parts.length === 5) return { kind: 'credential', label: 'encrypted JWT (JWE)' };
    return { kind: 'credential', label: 'unrecognised format' };
  }

  // ---- Rendering ----------------------------------------------------------

  function formatTime(iso) {
    if (!iso) return null;
    const d = new Date(iso);
    if (isNaN(d.getTime())) return el('span', {}, String(iso));
    return el('time', { dateTime: iso, title: iso }, d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }));
  }

  function details(rows) {
    const dl = el('dl', { className: 'details' });
    for (const [label, value] of rows) {
      if (value === null || value === undefined || value === '') continue;
      dl.append(el('dt', {}, label), el('dd', {}, value));
    }
    return dl;
  }

  function banner(verified, sub) {
    return el('div', { className: 'banner ' + (verified ? 'verified' : 'not-verified'), id: 'banner', dataset: { verified: String(verified) } },
      el('span', { className: 'mark', 'aria-hidden': 'true' }, verified ? '✔' : '✘'),
      el('div', {},
        el('p', { className: 'title' }, verified ? 'VERIFIED' : 'NOT VERIFIED'),
        sub ? el('p', { className: 'sub' }, sub) : null));
  }

  function checksTable(checks) {
    const anyCredential = checks.some((c) => c.credential);
    const anyChain = checks.some((c) => c.member || c.block);
    const head = el('tr', {},
      el('th', { scope: 'col' }, el('span', { className: 'visually-hidden' }, 'Result')),
      el('th', { scope: 'col' }, 'Check'),
      el('th', { scope: 'col' }, 'Message'),
      anyChain ? el('th', { scope: 'col', className: 'chain' }, 'Relied on') : null,
      anyCredential ? el('th', { scope: 'col', className: 'credential' }, 'Credential') : null);
    const body = el('tbody', {});
    for (const c of checks) {
      const pending = c.ok && c.status === 'PENDING';
      body.append(el('tr', { className: 'check ' + (!c.ok ? 'fail' : pending ? 'pending' : 'ok'), dataset: { check: c.name, ok: String(c.ok), status: c.status || '' } },
        el('td', { className: 'status' },
          el('span', { 'aria-hidden': 'true' }, !c.ok ? '✘' : pending ? '…' : '✔'),
          el('span', { className: 'visually-hidden' }, !c.ok ? 'failed' : pending ? 'pending' : 'proven')),
        el('th', { scope: 'row', className: 'name' }, c.name),
        el('td', { className: 'message' }, c.message || ''),
        anyChain ? el('td', { className: 'chain' }, reliedOn(c)) : null,
        anyCredential ? el('td', { className: 'credential' }, c.credential || '') : null));
    }
    return el('table', { className: 'checks', id: 'checks' }, el('caption', { className: 'visually-hidden' }, 'Checks'), el('thead', {}, head), body);
  }

  // reliedOn names the consortium member and block a chain-backed check
  // relied on.
  function reliedOn(c) {
    const parts = [];
    if (c.member) parts.push('member ' + c.member);
    if (c.block) parts.push('block ' + c.block);
    return parts.join(', ');
  }

  function claimValue(v) {
    if (v === null) return el('code', {}, 'null');
    if (typeof v === 'object') return el('pre', {}, JSON.stringify(v, null, 2));
    return String(v);
  }

  function validityTag(from, until) {
    const now = Date.now();
    if (until && new Date(until).getTime() < now) return el('span', { className: 'tag bad' }, 'expired');
    if (from && new Date(from).getTime() > now) return el('span', { className: 'tag bad' }, 'not yet valid');
    return null;
  }

  function credentialCard(c, i, n) {
    const types = Array.isArray(c.types) ? c.types : [];
    const main = types.filter((t) => t !== 'VerifiableCredential');
    const title = main.length ? main.join(', ') : (types[0] || 'Credential');
    const card = el('article', { className: 'credential-card', 'aria-label': 'Credential ' + (i + 1) + ': ' + title },
      el('h3', {}, (n > 1 ? (i + 1) + '. ' : '') + title),
      el('div', { className: 'types' }, types.map((t) => el('span', { className: 'type' + (t === 'VerifiableCredential' ? ' base' : '') }, t))),
      details([
        ['ID', c.id ? el('code', {}, c.id) : null],
        ['Issuer', c.issuer ? el('code', {}, c.issuer) : null],
        ['Subject', c.subject ? el('code', {}, c.subject) : null],
        ['Valid from', formatTime(c.validFrom)],
        ['Valid until', c.validUntil ? el('span', {}, formatTime(c.validUntil), validityTag(null, c.validUntil)) : 'no expiry'],
      ]));
    const claims = c.claims && typeof c.claims === 'object' && !Array.isArray(c.claims) ? Object.entries(c.claims) : [];
    if (claims.length) {
      const body = el('tbody', {}, claims.map(([k, v]) => el('tr', {}, el('th', { scope: 'row' }, k), el('td', {}, claimValue(v)))));
      card.append(el('table', { className: 'claims' },
        el('caption', { className: 'visually-hidden' }, 'Claims of ' + title),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Claim'), el('th', { scope: 'col' }, 'Value'))),
        body));
    } else if (c.claims !== undefined) {
      card.append(el('p', { className: 'hint' }, 'No claims disclosed.'));
    }
    return card;
  }

  function anchorSection(a) {
    if (!a || (!a.txHash && a.block == null)) return null;
    return el('section', { className: 'card', id: 'anchor', 'aria-labelledby': 'anchor-title' },
      el('h2', { id: 'anchor-title' }, 'Anchored on chain'),
      details([
        ['Block', a.block != null ? String(a.block) : null],
        ['Transaction', a.txHash ? el('code', {}, a.txHash) : null],
        ['Block time', formatTime(a.blockTime)],
      ]));
  }

  function renderResult(r) {
    const checks = Array.isArray(r.checks) ? r.checks : [];
    const failed = checks.filter((c) => !c.ok).length;
    const sub = checks.length === 0 ? 'No checks were made.'
      : failed === 0 && r.pending ? r.message
      : failed === 0 ? 'All ' + checks.length + ' checks passed.'
      : failed + ' of ' + checks.length + ' checks failed.';
    const creds = Array.isArray(r.credentials) ? r.credentials : [];
    const out = [
      banner(!!r.verified, sub),
      el('h2', { id: 'checks-title' }, 'Checks'),
      checksTable(checks),
    ];
    if (creds.length) {
      out.push(el('h2', {}, creds.length === 1 ? 'Credential' : 'Credentials (' + creds.length + ')'));
      creds.forEach((c, i) => out.push(credentialCard(c, i, creds.length)));
    }
    const anchor = anchorSection(r.anchor);
    if (anchor) out.push(anchor);
    return out;
  }

  function renderErrors(err) {
    const errors = err instanceof GraphQLErrors ? err.errors : [{ message: String(err && err.message || err), extensions: { code: 'CLIENT_ERROR' } }];
    return el('div', { className: 'errors', id: 'errors', role: 'alert' },
      el('strong', {}, errors.length === 1 ? 'The service returned an error' : 'The service returned ' + errors.length + ' errors'),
      el('ul', {}, errors.map((e) => {
        const ext = e && e.extensions && typeof e.extensions === 'object' ? e.extensions : {};
        const code = typeof ext.code === 'string' ? ext.code : 'UNKNOWN';
        const path = Array.isArray(e.path) ? e.path.join('.') : '';
        return el('li', { dataset: { code } },
          el('span', { className: 'code' }, code),
          String(e && e.message || ''),
          typeof ext.reason === 'string' ? ' (' + ext.reason + ')' : '',
          path ? el('span', { className: 'hint' }, ' at ' + path) : '');
      })));
  }

  function show(region, nodes) {
    region.replaceChildren(...[].concat(nodes).filter(Boolean));
  }

  // ---- Verify form ------------------------------------------------------

  function setupForm() {
    const form = $('verify-form');
    const input = $('input');
    const file = $('file');
    const detected = $('detected');
    const binding = $('binding');
    const button = $('verify');
    const result = $('result');

    const chosenKind = () => (form.querySelector('input[name="kind"]:checked') || {}).value || 'auto';
    const effectiveKind = () => {
      const k = chosenKind();
      return k === 'auto' ? detect(input.value).kind || 'credential' : k;
    };
    function update() {
      const d = detect(input.value);
      detected.textContent = d.label ? 'Detected: ' + d.label + '.' : '';
      binding.hidden = effectiveKind() !== 'presentation';
    }
    input.addEventListener('input', update);
    form.addEventListener('change', (ev) => { if (ev.target.name === 'kind') update(); });

    async function loadFile(f) {
      if (!f) return;
      if (f.size > MAX_FILE) {
        show(result, renderErrors({ message: 'The file is larger than ' + (MAX_FILE >> 20) + ' MiB' }));
        return;
      }
      input.value = (await f.text()).trim();
      update();
      input.focus();
    }
    file.addEventListener('change', () => loadFile(file.files && file.files[0]));
    input.addEventListener('dragover', (ev) => { ev.preventDefault(); input.classList.add('dragging'); });
    input.addEventListener('dragleave', () => input.classList.remove('dragging'));
    input.addEventListener('drop', (ev) => {
      input.classList.remove('dragging');
      const f = ev.dataTransfer && ev.dataTransfer.files && ev.dataTransfer.files[0];
      if (f) {
        ev.preventDefault();
        loadFile(f);
      }
    });
    input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        form.requestSubmit();
      }
    });
    $('clear').addEventListener('click', () => {
      form.reset();
      result.replaceChildren();
      update();
      input.focus();
    });

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const text = input.value.trim();
      if (!text) {
        show(result, renderErrors({ message: 'Paste a credential or presentation first, or load one from a file.' }));
        input.focus();
        return;
      }
      const kind = effectiveKind();
      button.disabled = true;
      button.textContent = 'Verifying…';
      result.setAttribute('aria-busy', 'true');
      try {
        let r;
        if (kind === 'presentation') {
          const vars = { presentation: text };
          if ($('challenge').value.trim()) vars.challenge = $('challenge').value.trim();
          if ($('domain').value.trim()) vars.domain = $('domain').value.trim();
          r = (await gql(VERIFY_PRESENTATION, vars)).verifyPresentation;
        } else {
          r = (await gql(VERIFY_CREDENTIAL, { credential: text })).verifyCredential;
        }
        show(result, renderResult(r));
      } catch (err) {
        show(result, renderErrors(err));
      } finally {
        result.setAttribute('aria-busy', 'false');
        button.disabled = false;
        button.textContent = 'Verify';
      }
    });
    update();
  }

  // ---- Presentation request -------------------------------------------

  function setupRequest(id) {
    $('verify-panel').hidden = true;
    const panel = $('request-panel');
    panel.hidden = false;
    document.title = 'Presentation request · Citizen Credentials';
    const detailsEl = $('request-details');
    const status = $('request-status');
    const result = $('result');
    let timer = 0;

    function link(uri) {
      try {
        const u = new URL(uri, location.href);
        if (u.protocol === 'https:' || u.protocol === 'http:') return el('a', { href: u.href }, uri);
      } catch (err) { /* fall through */ }
      return el('code', {}, uri);
    }

    function render(req) {
      detailsEl.replaceChildren(...details([
        ['Request', el('code', {}, req.id)],
        ['State', el('span', { className: 'state ' + req.state, id: 'request-state' }, req.state)],
        ['Purpose', req.purpose || null],
        ['Domain', req.domain ? el('code', {}, req.domain) : null],
        ['Challenge', req.challenge ? el('code', {}, req.challenge) : null],
        ['Created', formatTime(req.createdAt)],
        ['Expires', formatTime(req.expiresAt)],
        ['Request URI', req.requestUri ? link(req.requestUri) : null],
      ]).children);
    }

    async function poll() {
      let req;
      try {
        req = (await gql(PRESENTATION_REQUEST, { id })).presentationRequest;
      } catch (err) {
        show(result, renderErrors(err));
        status.className = 'notice error';
        status.textContent = 'Could not read the request; trying again in ' + POLL_MS / 1000 + ' s.';
        timer = setTimeout(poll, POLL_MS);
        return;
      }
      if (!req) {
        status.className = 'notice error';
        status.textContent = 'There is no presentation request with this id (it may have been removed).';
        result.replaceChildren();
        return;
      }
      render(req);
      if (req.state === 'PENDING') {
        const expired = req.expiresAt && new Date(req.expiresAt).getTime() < Date.now();
        if (expired) {
          status.className = 'notice error';
          status.textContent = 'The request expired before a presentation was submitted.';
          result.replaceChildren();
          return;
        }
        status.className = 'notice';
        status.textContent = 'Waiting for the holder to submit a presentation… (checking every ' + POLL_MS / 1000 + ' s)';
        const pending = [el('div', { className: 'banner pending', id: 'banner' },
          el('span', { className: 'mark', 'aria-hidden': 'true' }, '…'),
          el('div', {}, el('p', { className: 'title' }, 'PENDING'), el('p', { className: 'sub' }, 'No presentation yet.')))];
        if (req.openid4vp && req.openid4vp.authorizationRequestUri) {
          // OpenID4VP: any conformant wallet answers by scanning this.
          pending.push(el('figure', { className: 'wallet-qr', id: 'wallet-qr' },
            el('img', { src: '/requests/' + encodeURIComponent(req.id) + '/openid4vp/qr.svg', alt: 'QR code of the OpenID4VP request', width: 240, height: 240 }),
            el('figcaption', {}, 'Scan with a wallet (OpenID4VP), or ',
              el('a', { href: req.openid4vp.authorizationRequestUri, id: 'wallet-link' }, 'open it in a wallet on this device'), '.')));
        }
        show(result, pending);
        timer = setTimeout(poll, POLL_MS);
        return;
      }
      status.className = 'notice';
      status.textContent = 'A presentation was submitted.';
      if (req.result) {
        show(result, renderResult(req.result));
      } else {
        show(result, [
          banner(req.state === 'VERIFIED', req.state === 'VERIFIED' ? 'The submitted presentation passed every check.' : 'The submitted presentation failed verification.'),
          el('p', { className: 'notice' }, 'The detailed result is shown only to the verifier who created this request (query presentationRequest with its API key).'),
        ]);
      }
    }

    addEventListener('pagehide', () => clearTimeout(timer));
    poll();
  }

  function start() {
    const id = new URLSearchParams(location.search).get('request');
    if (id) setupRequest(id.trim());
    else setupForm();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
