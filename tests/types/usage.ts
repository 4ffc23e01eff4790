// Issue 7, types: the whole public API of wasm-oauth used as an app would, checked by
// `tsc --noEmit --strict` (tests/types/tsconfig.json) against the generated pkg/*.d.ts.
// `Expect<Equal<A, B>>` fails to compile when a type is not exactly B (so an `any` fails too);
// each `@ts-expect-error` fails to compile when the call it marks is NOT rejected.
// Nothing here runs: it only has to type-check.

import init, {
  AuthClient,
  AuthError,
  createPkcePair,
  initSync,
  parseCallbackUrl,
  type AuthClientOptions,
  type AuthErrorCode,
  type AuthEventName,
  type CallbackResult,
  type CustomStorage,
  type DeviceAuthorization,
  type Endpoints,
  type GetAccessTokenOptions,
  type IdTokenClaims,
  type ImplicitLoginOptions,
  type LoginOptions,
  type LogFields,
  type Logger,
  type LogLevel,
  type LogoutOptions,
  type ParsedCallback,
  type PkcePair,
  type PopupLoginOptions,
  type StandardClaims,
  type TokenSet,
  type UserInfo,
} from "wasm-oauth";

// ---- type-level assertions -------------------------------------------------------------------
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
type Expect<T extends true> = T;
type IsAny<T> = 0 extends 1 & T ? true : false;
type Not<T extends boolean> = T extends true ? false : true;

declare const button: HTMLButtonElement;

// Every code DESIGN.md promises is a named member of AuthErrorCode (not only the open tail).
type DesignCode =
  | "invalid_grant" | "access_denied" | "state_mismatch" | "missing_transaction" | "transaction_expired"
  | "issuer_mismatch" | "nonce_mismatch" | "invalid_id_token" | "login_required" | "network_error"
  | "storage_unavailable" | "expired_token" | "aborted" | "popup_blocked" | "popup_closed" | "timeout"
  | "secret_in_browser" | "invalid_options" | "invalid_response";
type _designCodes = Expect<Equal<Extract<AuthErrorCode, DesignCode>, DesignCode>>;

export async function quickStart(): Promise<void> {
  // ---- init ----------------------------------------------------------------------------------
  await init();
  await init({ module_or_path: new URL("wasm_oauth_bg.wasm", import.meta.url) });
  await init({ module_or_path: fetch("/wasm_oauth_bg.wasm") });
  initSync({ module: new Uint8Array(0) });

  // ---- options ---------------------------------------------------------------------------------
  const endpoints: Endpoints = {
    authorization: "https://auth.example/authorize",
    token: "https://auth.example/token",
    revocation: "https://auth.example/revoke",
    userinfo: "https://auth.example/userinfo",
    jwks: "https://auth.example/jwks.json",
    deviceAuthorization: "https://auth.example/device",
    pushedAuthorization: "https://auth.example/par",
    endSession: "https://auth.example/logout",
  };
  const options: AuthClientOptions = {
    clientId: "550e8400-e29b-41d4-a716-446655440000",
    redirectUri: location.origin + "/",
    issuer: "https://auth.xeonr.io",
    scope: "openid profile email offline_access",
    endpoints,
    discovery: false,
    storage: "session",
    usePar: false,
    clockSkewSeconds: 60,
  };
  const auth = new AuthClient(options);
  new AuthClient({ clientId: "c", redirectUri: "https://app.example/", storage: "memory" });
  new AuthClient({ clientId: "c", redirectUri: "https://app.example/", storage: "local" });
  // The app's own store: synchronous, or promise-returning.
  const kept = new Map<string, string>();
  const syncStore: CustomStorage = {
    get: (key) => kept.get(key) ?? null,
    set: (key, value) => void kept.set(key, value),
    remove: (key) => void kept.delete(key),
    keys: () => [...kept.keys()],
  };
  new AuthClient({ clientId: "c", redirectUri: "https://app.example/", storage: syncStore });
  new AuthClient({
    clientId: "c",
    redirectUri: "https://app.example/",
    storage: {
      get: async (key: string) => kept.get(key),
      set: async (key: string, value: string) => { kept.set(key, value); },
      remove: async (key: string) => { kept.delete(key); },
      keys: async () => [...kept.keys()],
    },
  });
  // @ts-expect-error a store needs all four methods
  new AuthClient({ clientId: "c", redirectUri: "https://app.example/", storage: { get: () => null, set() {}, remove() {} } });

  // ---- logger ------------------------------------------------------------------------------------
  const logger: Logger = (level, message, fields) => {
    type _level = Expect<Equal<typeof level, "debug" | "info" | "warn" | "error">>;
    type _fields = Expect<Equal<typeof fields, LogFields>>;
    const status: number | undefined = fields.status;
    const endpoint: string | undefined = fields.endpoint;
    void [message.length, status, endpoint, fields.error, fields.durationMs];
  };
  const logLevel: LogLevel = "debug";
  new AuthClient({ clientId: "c", redirectUri: "https://app.example/", logger, logLevel });
  new AuthClient({ clientId: "c", redirectUri: "https://app.example/", logLevel: "off" });

  // ---- redirect login ----------------------------------------------------------------------------
  const login: LoginOptions = {
    appState: { returnTo: location.pathname },
    scope: "openid",
    prompt: "login",
    loginHint: "ada@example.com",
    maxAge: 300,
    acrValues: "urn:mace:incommon:iap:silver",
    resource: ["https://api.example/"],
    extraParams: { ui_locales: "en" },
    responseMode: "query",
  };
  button.onclick = () => auth.loginWithRedirect(login);
  const url = await auth.buildAuthorizeUrl(login);
  type _url = Expect<Equal<typeof url, string>>;

  // The calls the README's quick start makes without options.
  await auth.loginWithRedirect();
  await auth.buildAuthorizeUrl();

  if (auth.isCallback() || auth.isCallback(location.href)) {
    try {
      const result = await auth.handleRedirectCallback();
      type _cb = Expect<Equal<typeof result, CallbackResult>>;
      const tokens: TokenSet = result.tokens;
      const state: unknown = result.appState;
      void tokens;
      void state;
      await auth.handleRedirectCallback(location.href);
    } catch (e) {
      // ---- errors: AuthError narrowing -----------------------------------------------------------
      if (e instanceof AuthError) {
        type _code = Expect<Equal<typeof e.code, AuthErrorCode>>;
        type _description = Expect<Equal<typeof e.description, string | undefined>>;
        type _status = Expect<Equal<typeof e.status, number | undefined>>;
        const message: string = e.message;
        void message;
        if (e.code === "state_mismatch") {
          // The open tail `(string & {})` (codes a server may invent) keeps this from narrowing to
          // the literal alone; the comparison compiles and the editor completes the known codes.
          const known: AuthErrorCode = e.code;
          void known;
        }
        switch (e.code) {
          case "state_mismatch":
          case "missing_transaction":
          case "transaction_expired":
            break;
          case "login_required":
            await auth.loginWithRedirect({ prompt: "login" });
            break;
          case "secret_in_browser":
          case "invalid_options":
            throw e;
        }
        const asError: Error = e;
        void asError;
      }
    }
  }

  // ---- implicit and popup ------------------------------------------------------------------------
  const implicit: ImplicitLoginOptions = { responseType: "id_token token", appState: 1 };
  await auth.loginWithImplicit(implicit);
  await auth.loginWithImplicit({ responseType: "token" });
  const popup: PopupLoginOptions = { timeoutSeconds: 120, prompt: "consent" };
  const fromPopup = await auth.loginWithPopup(popup);
  type _popup = Expect<Equal<typeof fromPopup, CallbackResult>>;
  await auth.loginWithPopup();

  // ---- the session ---------------------------------------------------------------------------------
  const access = await auth.getAccessToken();
  type _access = Expect<Equal<typeof access, string>>;
  const tokenOptions: GetAccessTokenOptions = { forceRefresh: true, minValiditySeconds: 60 };
  await auth.getAccessToken(tokenOptions);

  const held = auth.getTokens();
  type _held = Expect<Equal<typeof held, TokenSet | undefined>>;
  if (held) {
    type _at = Expect<Equal<typeof held.accessToken, string>>;
    type _type = Expect<Equal<typeof held.tokenType, "Bearer">>;
    type _exp = Expect<Equal<typeof held.expiresAt, number | undefined>>;
    type _refresh = Expect<Equal<typeof held.refreshToken, string | undefined>>;
    type _id = Expect<Equal<typeof held.idToken, string | undefined>>;
    type _scope = Expect<Equal<typeof held.scope, string | undefined>>;
  }

  const claims = auth.getIdTokenClaims();
  type _claims = Expect<Equal<typeof claims, IdTokenClaims | undefined>>;
  if (claims) {
    const sub: string = claims.sub;
    const exp: number = claims.exp;
    const custom: unknown = claims["https://example.com/roles"];
    void [sub, exp, custom];
  }

  const signedIn: boolean = auth.isAuthenticated();
  void signedIn;

  const user = await auth.getUser();
  type _user = Expect<Equal<typeof user, UserInfo>>;
  const userSub: string = user.sub;
  void userSub;

  const logoutOptions: LogoutOptions = { returnTo: location.origin + "/", revoke: true };
  await auth.logout(logoutOptions);
  await auth.logout();

  // ---- device sign-in ------------------------------------------------------------------------------
  const device = await auth.startDeviceAuthorization({ scope: "openid offline_access" });
  type _device = Expect<Equal<typeof device, DeviceAuthorization>>;
  const shown: [string, string, string | undefined, number, number] = [
    device.userCode, device.verificationUri, device.verificationUriComplete, device.expiresIn, device.interval,
  ];
  void shown;
  const controller = new AbortController();
  const deviceTokens = await auth.pollDeviceToken(device, { signal: controller.signal });
  type _deviceTokens = Expect<Equal<typeof deviceTokens, TokenSet>>;
  await auth.startDeviceAuthorization();
  await auth.pollDeviceToken(device);

  // ---- server runtimes -------------------------------------------------------------------------------
  const server = new AuthClient({ clientId: "svc", clientSecret: "s3cret", redirectUri: "https://svc.example/cb", storage: "memory" });
  const cc = await server.clientCredentials({ scope: "api:read" });
  type _cc = Expect<Equal<typeof cc, TokenSet>>;
  const st = await server.exchangeServiceToken("eyJ.a.b", { scope: "api:read" });
  type _st = Expect<Equal<typeof st, TokenSet>>;
  await server.clientCredentials();
  await server.exchangeServiceToken("eyJ.a.b");

  // ---- events --------------------------------------------------------------------------------------
  const off = auth.on("tokens", (t) => {
    type _payload = Expect<Equal<typeof t, TokenSet>>;
    const fresh: string = t.accessToken;
    void fresh;
  });
  type _off = Expect<Equal<typeof off, () => void>>;
  off();
  auth.on("logout", (payload) => {
    type _payload = Expect<Not<IsAny<typeof payload>>>;
  });
  auth.on("error", (error) => {
    type _payload = Expect<Equal<typeof error, AuthError>>;
    const code: AuthErrorCode = error.code;
    void code;
  });
  const name: AuthEventName = "tokens";
  auth.on(name, () => {});

  // ---- free functions --------------------------------------------------------------------------------
  const pair = createPkcePair();
  type _pair = Expect<Equal<typeof pair, PkcePair>>;
  type _method = Expect<Equal<typeof pair.codeChallengeMethod, "S256">>;

  const parsed = parseCallbackUrl(location.href);
  type _parsed = Expect<Equal<typeof parsed, ParsedCallback>>;
  if (parsed.kind === "code") {
    const code: string = parsed.code;
    void code;
  } else if (parsed.kind === "error") {
    const error: string = parsed.error;
    void error;
  } else {
    type _tokens = Expect<Equal<typeof parsed.kind, "tokens">>;
  }

  // ---- the app's own appState type (issue 16) ---------------------------------------------------------
  type AppState = { returnTo: string };
  await auth.loginWithRedirect<AppState>({ appState: { returnTo: "/orders" } });
  const typed = await auth.handleRedirectCallback<AppState>();
  type _typedState = Expect<Equal<typeof typed.appState, AppState | undefined>>;
  const returnTo: string = typed.appState?.returnTo ?? "/";
  void returnTo;
  const untyped = await auth.handleRedirectCallback();
  type _untypedState = Expect<Equal<typeof untyped.appState, unknown>>;
  const fromPopupTyped = await auth.loginWithPopup({ appState: { step: 2 } });
  type _popupState = Expect<Equal<typeof fromPopupTyped.appState, { step: number } | undefined>>;
  const typedLogin: LoginOptions<AppState> = { appState: { returnTo: "/" } };
  await auth.loginWithImplicit<AppState>({ responseType: "token", appState: { returnTo: "/" } });
  void typedLogin;

  // ---- standard claims, typed on the ID token and on userinfo ----------------------------------------
  if (claims) {
    const email: string | undefined = claims.email;
    const verified: boolean | undefined = claims.email_verified;
    const authTime: number | undefined = claims.auth_time;
    const amr: string[] | undefined = claims.amr;
    const locality: string | undefined = claims.address?.locality;
    void [email, verified, authTime, amr, locality];
  }
  const standard: StandardClaims = user;
  const givenName: string | undefined = user.given_name;
  const updated: number | undefined = user.updated_at;
  void [standard, givenName, updated];

  // ---- a server-only client needs no redirectUri; free() and `using` ---------------------------------
  const serverOnly = new AuthClient({ clientId: "svc", clientSecret: "s", storage: "memory" });
  serverOnly.free();
  {
    using scoped = new AuthClient({ clientId: "c", storage: "memory" });
    void scoped;
  }
  const initResult = await init();
  type _init = Expect<Equal<typeof initResult, void>>;
  const newcomerCodes: AuthErrorCode[] = ["not_initialized", "wasm_load_failed"];
  void newcomerCodes;
  const option: string | undefined = new AuthError("invalid_options", "m").option;
  void option;

  // ---- no `any` leaks from the public surface ---------------------------------------------------------
  type _m1 = Expect<Not<IsAny<Parameters<AuthClient["exchangeServiceToken"]>[0]>>>;
  type _m2 = Expect<Not<IsAny<Parameters<Parameters<AuthClient["on"]>[1]>[0]>>>;

  // ---- wrong calls are rejected ------------------------------------------------------------------------
  // @ts-expect-error storage is "memory" | "session" | "local"
  new AuthClient({ clientId: "c", redirectUri: "https://app.example/", storage: "cookie" });
  // @ts-expect-error clientId is required
  new AuthClient({ redirectUri: "https://app.example/" });
  // @ts-expect-error options are required
  new AuthClient();
  // @ts-expect-error logLevel is one of five names
  new AuthClient({ clientId: "c", redirectUri: "https://app.example/", logLevel: "verbose" });
  // @ts-expect-error logger is a function
  new AuthClient({ clientId: "c", redirectUri: "https://app.example/", logger: console });
  // @ts-expect-error clockSkewSeconds is a number
  new AuthClient({ clientId: "c", redirectUri: "https://app.example/", clockSkewSeconds: "60" });
  // @ts-expect-error an endpoint is a URL string
  new AuthClient({ clientId: "c", redirectUri: "https://app.example/", endpoints: { token: new URL("https://t.example") } });
  // @ts-expect-error misspelled option
  new AuthClient({ clientId: "c", redirectUri: "https://app.example/", redirectURI: "https://app.example/" });
  // @ts-expect-error responseType is required for implicit
  await auth.loginWithImplicit({});
  // @ts-expect-error implicit response types are "token" | "id_token token"
  await auth.loginWithImplicit({ responseType: "code" });
  // @ts-expect-error responseMode is "query" | "fragment"
  await auth.loginWithRedirect({ responseMode: "form_post" });
  // @ts-expect-error forceRefresh is a boolean
  await auth.getAccessToken({ forceRefresh: "yes" });
  // @ts-expect-error extraParams values are strings
  await auth.loginWithRedirect({ extraParams: { max_age: 5 } });
  // @ts-expect-error not an event
  auth.on("login", () => {});
  // @ts-expect-error the assertion is a string (a compact JWT)
  await server.exchangeServiceToken(42, { scope: "api:read" });
  // @ts-expect-error appState must be the declared type
  await auth.loginWithRedirect<AppState>({ appState: { returnTo: 42 } });
  // @ts-expect-error the typed appState has no other member
  void typed.appState?.somethingElse;
  // @ts-expect-error wasm-bindgen's internal init output is not part of the API
  type _noInitOutput = import("wasm-oauth").InitOutput;
  // @ts-expect-error pollDeviceToken needs the device authorization
  await auth.pollDeviceToken({ userCode: "ABC123" });
  // @ts-expect-error the token set is read-only data, not a string
  const notAString: string = auth.getTokens();
  void notAString;
  // @ts-expect-error code is only on the "code" kind
  void parsed.code;
  // @ts-expect-error AuthError.code is not a number
  void ((e: AuthError) => e.code === 401);
}
