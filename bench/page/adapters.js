// One adapter per SDK: the calls that SDK's own docs give a SPA for a code + PKCE login, written
// once and used by every phase of the benchmark (bench/page/harness.js).
//
//   create(mod, S, storage)  the client object ready to use (`mod` is the SDK's bundled entry,
//                            `S` its settings from /bench/config.json, `storage` "memory" or
//                            "session" when the SDK lets a SPA choose)
//   authorize(ctx)           the authorization URL (PKCE included), without navigating
//   callback(ctx, url)       handle the redirect back (location.href is already `url`) up to signed in
//   signedIn(ctx)            the access token the SDK now holds (checked untimed after every login)
//
// Navigation is intercepted with each SDK's own hook where it has one (auth0 openUrl, okta
// setLocation, msal onRedirectNavigate); oidc-client-ts has none, so its redirect navigator is
// swapped for one that records the URL (a private field: noted in bench/README.md).

const SCOPE = "api"; // no `openid` where the SDK allows it (see bench/README.md)

/**
 * Runs `init` (which resolves with its start time) with WebAssembly.instantiate and
 * instantiateStreaming wrapped to note the first WebAssembly.Memory an instance exports.
 * The wrappers cost a function call each; the start time is taken inside, after they are in.
 */
async function catchMemory(init) {
  const { instantiate, instantiateStreaming } = WebAssembly;
  let memory;
  const note = (result) => {
    const exports = (result.instance ?? result).exports;
    memory ??= Object.values(exports).find((v) => v instanceof WebAssembly.Memory);
    return result;
  };
  WebAssembly.instantiate = (...args) => instantiate(...args).then(note);
  WebAssembly.instantiateStreaming = (...args) => instantiateStreaming(...args).then(note);
  try {
    return { result: await init(), memory };
  } finally {
    Object.assign(WebAssembly, { instantiate, instantiateStreaming });
  }
}

export const ADAPTERS = {
  "wasm-oauth": {
    async create(mod, S, storage) {
      // The package's init() hands back nothing (the glue's exports are internal), so the
      // linear memory is caught where the glue instantiates the module: WebAssembly's two
      // instantiate functions are wrapped for the length of init() only, then put back.
      const loaded = await catchMemory(async () => {
        performance.mark("ready:init"); // the steps' marks are for bench/ready-trace.mjs
        const t0 = performance.now();
        await mod.default(); // fetches, compiles and instantiates the .wasm
        return t0;
      });
      performance.mark("ready:construct");
      const t1 = performance.now();
      const auth = new mod.AuthClient({
        clientId: S.clientId, redirectUri: S.redirectUri, issuer: S.issuer, scope: S.scope ?? SCOPE, storage,
      });
      const t2 = performance.now();
      performance.mark("ready:done");
      return {
        auth,
        trace: { initMs: t1 - loaded.result, constructMs: t2 - t1 },
        linearMemory: () => loaded.memory?.buffer.byteLength ?? NaN,
      };
    },
    authorize: (ctx) => ctx.auth.buildAuthorizeUrl(undefined),
    async callback(ctx, url) {
      ctx.result = await ctx.auth.handleRedirectCallback(url);
    },
    signedIn: (ctx) => ctx.auth.getTokens()?.accessToken,
  },

  "oauth4webapi": {
    // No discovery: the authorization server's metadata is written down, as wasm-oauth's
    // endpoints are. The verifier and state go to sessionStorage (they must survive the redirect).
    create(mod, S) {
      const as = {
        issuer: S.issuer, authorization_endpoint: `${S.issuer}/authorize`, token_endpoint: `${S.issuer}/token`,
      };
      return { mod, S, as, client: { client_id: S.clientId } };
    },
    async authorize(ctx) {
      const { mod, S, as } = ctx;
      const verifier = mod.generateRandomCodeVerifier();
      const challenge = await mod.calculatePKCECodeChallenge(verifier);
      const state = mod.generateRandomState();
      const url = new URL(as.authorization_endpoint);
      url.searchParams.set("client_id", S.clientId);
      url.searchParams.set("redirect_uri", S.redirectUri);
      url.searchParams.set("response_type", "code");
      url.searchParams.set("scope", SCOPE);
      url.searchParams.set("state", state);
      url.searchParams.set("code_challenge", challenge);
      url.searchParams.set("code_challenge_method", "S256");
      sessionStorage.setItem("bench:o4w", JSON.stringify({ verifier, state }));
      return url.href;
    },
    async callback(ctx, url) {
      const { mod, S, as, client } = ctx;
      const { verifier, state } = JSON.parse(sessionStorage.getItem("bench:o4w"));
      sessionStorage.removeItem("bench:o4w");
      const params = mod.validateAuthResponse(as, client, new URL(url), state);
      const response = await mod.authorizationCodeGrantRequest(as, client, mod.None(), params, S.redirectUri, verifier);
      ctx.tokens = await mod.processAuthorizationCodeResponse(as, client, response);
    },
    signedIn: (ctx) => ctx.tokens?.access_token,
  },

  "oidc-client-ts": {
    create(mod, S) {
      const ctx = { url: undefined };
      ctx.mgr = new mod.UserManager({
        authority: S.issuer, client_id: S.clientId, redirect_uri: S.redirectUri, scope: SCOPE, response_type: "code",
      });
      // signinRedirect() would assign window.location: record the URL instead.
      ctx.mgr._redirectNavigator = {
        prepare: async () => ({ navigate: async ({ url }) => { ctx.url = url; }, close() {} }),
      };
      return ctx;
    },
    async authorize(ctx) {
      await ctx.mgr.signinRedirect();
      return ctx.url;
    },
    async callback(ctx, url) {
      ctx.user = await ctx.mgr.signinCallback(url);
    },
    signedIn: (ctx) => ctx.user?.access_token,
  },

  "keycloak-js": {
    // keycloak-js handles the redirect back only inside init(), once per instance: its callback
    // therefore includes `new Keycloak()` + init() (what its callback page load does anyway).
    handledByCreate: true,
    async create(mod, S) {
      const kc = new mod.Keycloak({ url: S.kcUrl, realm: S.kcRealm, clientId: S.clientId });
      await kc.init({ checkLoginIframe: false, pkceMethod: "S256", redirectUri: S.redirectUri, scope: SCOPE });
      return { mod, S, kc };
    },
    authorize: (ctx) => ctx.kc.createLoginUrl({ redirectUri: ctx.S.redirectUri }),
    async callback(ctx, url) {
      const { mod, S } = ctx;
      const kc = new mod.Keycloak({ url: S.kcUrl, realm: S.kcRealm, clientId: S.clientId });
      await kc.init({ checkLoginIframe: false, pkceMethod: "S256", redirectUri: S.redirectUri, scope: SCOPE });
      ctx.kc = kc;
    },
    signedIn: (ctx) => ctx.kc.authenticated && ctx.kc.token,
  },

  "okta-auth-js": {
    create(mod, S) {
      const ctx = { url: undefined };
      ctx.okta = new mod.OktaAuth({
        issuer: S.issuer, clientId: S.clientId, redirectUri: S.redirectUri, scopes: [SCOPE], pkce: true,
        setLocation: (url) => { ctx.url = url; },
      });
      return ctx;
    },
    async authorize(ctx) {
      await ctx.okta.token.getWithRedirect();
      return ctx.url;
    },
    async callback(ctx, url) {
      const { tokens } = await ctx.okta.token.parseFromUrl(url);
      ctx.okta.tokenManager.setTokens(tokens);
    },
    signedIn: (ctx) => ctx.okta.tokenManager.getTokensSync().accessToken?.accessToken,
  },

  "auth0-spa-js": {
    async create(mod, S) {
      const client = await mod.createAuth0Client({
        domain: S.issuer, issuer: S.issuer, clientId: S.clientId,
        authorizationParams: { redirect_uri: S.redirectUri, scope: SCOPE },
      });
      return { client, url: undefined };
    },
    async authorize(ctx) {
      await ctx.client.loginWithRedirect({ openUrl: (url) => { ctx.url = url; } });
      return ctx.url;
    },
    async callback(ctx, url) {
      await ctx.client.handleRedirectCallback(url);
    },
    signedIn: (ctx) => ctx.client.getTokenSilently({ cacheMode: "cache-only" }),
  },

  "msal-browser": {
    // A generic OIDC provider: protocolMode "OIDC", the issuer's host in knownAuthorities (no
    // instance discovery at login.microsoftonline.com), its discovery document fetched by MSAL.
    async create(mod, S) {
      const ctx = { url: undefined };
      ctx.pca = new mod.PublicClientApplication({
        auth: {
          clientId: S.clientId, authority: S.issuer, knownAuthorities: [new URL(S.issuer).host],
          redirectUri: S.redirectUri,
          onRedirectNavigate: (url) => { ctx.url = url; return false; },
        },
        system: { protocolMode: "OIDC" },
      });
      await ctx.pca.initialize();
      return ctx;
    },
    async authorize(ctx) {
      await ctx.pca.loginRedirect({ scopes: [SCOPE] });
      return ctx.url;
    },
    async callback(ctx, url) {
      const u = new URL(url);
      ctx.result = await ctx.pca.handleRedirectPromise({ hash: u.hash || u.search, navigateToLoginRequestUrl: false });
    },
    signedIn: (ctx) => ctx.result?.accessToken,
  },
};
