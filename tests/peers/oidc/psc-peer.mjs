// Test peer for Chevet's OpenID Connect client: the npm `oidc-provider` configured like
// Pro Santé Connect (wallet discovery path, scope `scope_all`, acr `eidas1`, claims
// SubjectNameID / SubjectRefPro, CIBA in poll mode, userinfo, revocation, RP-initiated logout,
// PKCE S256 required, refresh tokens), plus test-only routes under /test/ to approve or deny
// CIBA requests, and a minimal login page at /interaction/:uid that a test can drive without
// a browser (POST login=<national id>; consent is automatic).
//
// Usage: node psc-peer.mjs [port]   (or PORT=…; 0 or nothing = any free port)
// Prints `READY http://127.0.0.1:PORT` on stdout once listening. Only listens on 127.0.0.1.
// Open client registration is on (POST /reg) so that a test can register a private_key_jwt
// client with its own key (and signed userinfo): acceptable for a loopback-only test peer,
// never for anything else.

import http from 'node:http';
import Provider, { errors } from 'oidc-provider';

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
const HOST = '127.0.0.1';

const ACTIVITY_CHU = {
  codeModeExercice: 'S',
  codeSecteurDactivite: 'SA01',
  codeSectionPharmacien: '',
  codeRole: 'FON-05',
  numeroSiretSite: '',
  numeroSirenSite: '',
  numeroFinessSite: '690781810',
  numeroFinessetablissementJuridique: '690781810',
  identifiantTechniqueDeLaStructure: 'F690781810',
  raisonSocialeSite: 'CHU DE DEMO - SITE NORD',
  enseigneCommercialeSite: '',
  codePostal: '69004',
  libelleCommune: 'LYON',
};

const ACTIVITY_CLINIQUE = {
  codeModeExercice: 'L',
  codeSecteurDactivite: 'SA07',
  codeRole: '',
  numeroSiretSite: '12345678900017',
  numeroSirenSite: '123456789',
  numeroFinessSite: '',
  numeroFinessetablissementJuridique: '',
  identifiantTechniqueDeLaStructure: 'R10000123456',
  raisonSocialeSite: 'CABINET DE CARDIOLOGIE DEMO',
  codePostal: '69006',
  libelleCommune: 'LYON',
};

const ACCOUNTS = {
  810101234567: {
    given_name: 'Claire',
    family_name: 'LAMBERT',
    SubjectRefPro: {
      codeCivilite: 'MME',
      exercices: [{
        codeProfession: '10',
        codeCategorieProfessionnelle: 'C',
        codeCiviliteDexercice: 'DR',
        nomDexercice: 'LAMBERT',
        prenomDexercice: 'Claire',
        codeTypeSavoirFaire: 'S',
        codeSavoirFaire: 'SM04',
        activities: [ACTIVITY_CHU, ACTIVITY_CLINIQUE],
      }],
    },
  },
  899700366240: {
    given_name: 'Paul',
    family_name: 'MARTIN',
    SubjectRefPro: {
      codeCivilite: 'M',
      exercices: [{
        codeProfession: '10',
        codeCategorieProfessionnelle: 'C',
        codeCiviliteDexercice: 'DR',
        nomDexercice: 'MARTIN',
        prenomDexercice: 'Paul',
        codeTypeSavoirFaire: 'S',
        codeSavoirFaire: 'SM54',
        activities: [ACTIVITY_CHU],
      }],
    },
  },
};

// Keycloak-style subject, as PSC (`f:<uuid>:<idnat>`): the client must not take it for the
// national id.
const accountIdOf = (nationalId) => `f:chevet-peer:${nationalId}`;

function account(accountId) {
  const id = String(accountId).replace(/^f:chevet-peer:/, '');
  const data = ACCOUNTS[id];
  if (!data || accountIdOf(id) !== accountId) return undefined;
  return {
    accountId,
    async claims() {
      return {
        sub: accountId,
        SubjectNameID: id,
        preferred_username: id,
        given_name: data.given_name,
        family_name: data.family_name,
        SubjectRefPro: data.SubjectRefPro,
      };
    },
  };
}

/** CIBA requests waiting for the user, by auth_req_id. */
const pending = new Map();

const configuration = {
  clients: [{
    client_id: 'chevet',
    client_secret: 'chevet-test-secret',
    application_type: 'native',
    redirect_uris: ['http://127.0.0.1/callback'],
    post_logout_redirect_uris: ['http://127.0.0.1/logged-out'],
    response_types: ['code'],
    grant_types: ['authorization_code', 'refresh_token', 'urn:openid:params:grant-type:ciba'],
    token_endpoint_auth_method: 'client_secret_basic',
    backchannel_token_delivery_mode: 'poll',
  }],
  acrValues: ['eidas1'],
  scopes: ['openid', 'offline_access', 'scope_all'],
  claims: {
    openid: ['sub'],
    scope_all: ['SubjectNameID', 'SubjectRefPro', 'preferred_username', 'given_name', 'family_name'],
  },
  // POST at the end-session endpoint (enableHttpPostMethods) needs SameSite=None cookies.
  cookies: {
    keys: ['chevet-oidc-peer-cookie-key'],
    long: { sameSite: 'none' },
    short: { sameSite: 'none' },
  },
  enableHttpPostMethods: true,
  findAccount: async (_ctx, id) => account(id),
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  pkce: { required: () => true },
  ttl: {
    AccessToken: 120,
    AuthorizationCode: 60,
    IdToken: 120,
    RefreshToken: 1800,
    Interaction: 600,
    Session: 4 * 3600,
    Grant: 4 * 3600,
    BackchannelAuthenticationRequest: (ctx) => {
      const requested = Number(ctx?.oidc?.params?.requested_expiry);
      if (Number.isSafeInteger(requested) && requested > 0) return Math.min(requested, 120);
      return Number(process.env.CIBA_TTL ?? 120);
    },
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    userinfo: { enabled: true },
    revocation: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    registration: { enabled: true },
    jwtUserinfo: { enabled: true },
    ciba: {
      enabled: true,
      deliveryModes: ['poll'],
      processLoginHint: async (_ctx, loginHint) => (ACCOUNTS[loginHint] ? accountIdOf(loginHint) : undefined),
      triggerAuthenticationDevice: async (_ctx, request, acct, client) => {
        pending.set(request.jti, {
          id: request.jti,
          accountId: acct.accountId,
          clientId: client.clientId,
          bindingMessage: request.params.binding_message ?? null,
          scope: request.scope,
          acrValues: request.params.acr_values ?? null,
        });
      },
      verifyUserCode: async () => {},
      validateRequestContext: async () => {},
    },
  },
};

const issuer = () => `http://${HOST}:${server.address().port}`;
let provider;

function send(res, status, body, type = 'application/json') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
  res.end(text);
}

async function readForm(req) {
  let raw = '';
  for await (const chunk of req) {
    raw += chunk;
    if (raw.length > 16 * 1024) throw new Error('form too large');
  }
  return new URLSearchParams(raw);
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, { error: 'interaction mismatch' });
  if (req.method === 'GET') {
    return send(res, 200, `<!doctype html><html lang="fr"><body>
<form method="post" action="/interaction/${escapeHtml(uid)}">
<label>Identifiant national <input name="login"></label>
<button type="submit">Se connecter</button></form></body></html>`, 'text/html');
  }
  const form = await readForm(req);
  const login = form.get('login') ?? '';
  if (form.get('deny') === '1') {
    return provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'refused by the user',
    }, { mergeWithLastSubmission: false });
  }
  if (!ACCOUNTS[login]) return send(res, 200, '<p>Identifiant inconnu</p>', 'text/html');
  const { params } = details;
  const accountId = accountIdOf(login);
  const grant = new provider.Grant({ accountId, clientId: params.client_id });
  grant.addOIDCScope(String(params.scope));
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, {
    login: { accountId, acr: 'eidas1', amr: ['pwd'] },
    consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

async function approve(id) {
  const request = await provider.BackchannelAuthenticationRequest.find(id, { ignoreExpiration: true });
  if (!request) return false;
  const grant = new provider.Grant({ accountId: request.accountId, clientId: request.clientId });
  grant.addOIDCScope(request.scope);
  await grant.save();
  await provider.backchannelResult(request, grant, {
    acr: 'eidas1', amr: ['pin'], authTime: Math.floor(Date.now() / 1000),
  });
  return true;
}

async function deny(id) {
  const request = await provider.BackchannelAuthenticationRequest.find(id, { ignoreExpiration: true });
  if (!request) return false;
  await provider.backchannelResult(request, new errors.AccessDenied('the user refused'));
  return true;
}

async function testRoute(req, res, path) {
  if (req.method === 'GET' && path === '/test/ciba') {
    return send(res, 200, [...pending.values()]);
  }
  const m = path.match(/^\/test\/ciba\/([A-Za-z0-9_-]+)\/(approve|deny)$/);
  if (req.method === 'POST' && m) {
    const [, id, action] = m;
    const done = action === 'approve' ? await approve(id) : await deny(id);
    pending.delete(id);
    return send(res, done ? 200 : 404, { ok: done });
  }
  return send(res, 404, { error: 'no such test route' });
}

const server = http.createServer(async (req, res) => {
  try {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/.well-known/wallet-openid-configuration') {
      // PSC serves its discovery document here (Keycloak realm `esante-wallet`).
      req.url = '/.well-known/openid-configuration';
      return provider.callback()(req, res);
    }
    if (path.startsWith('/test/')) return await testRoute(req, res, path);
    const m = path.match(/^\/interaction\/([A-Za-z0-9_-]+)$/);
    if (m) return await interaction(req, res, m[1]);
    return provider.callback()(req, res);
  } catch (err) {
    if (!res.headersSent) send(res, 500, { error: 'peer_error', detail: String(err?.message ?? err) });
    else res.end();
    return undefined;
  }
});

server.listen(port, HOST, () => {
  provider = new Provider(issuer(), configuration);
  provider.on('server_error', (_ctx, err) => process.stderr.write(`server_error: ${err?.stack ?? err}\n`));
  process.stdout.write(`READY ${issuer()}\n`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
