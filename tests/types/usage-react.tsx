// Issue 16: wasm-oauth/react as a strict TypeScript app uses it, checked by `tsc --noEmit`
// (tests/types/tsconfig.react.json) against pkg/react.d.ts and @types/react. Nothing here runs.
import type { ReactElement } from "react";
import type { AuthClient, AuthClientOptions, AuthError, UserInfo } from "wasm-oauth";
import { AuthProvider, useAuth, type Auth, type AuthProviderProps } from "wasm-oauth/react";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
type Expect<T extends true> = T;

const options: AuthClientOptions = { clientId: "c", redirectUri: "https://app.example/" };

export function Profile(): ReactElement {
  const auth = useAuth();
  type _auth = Expect<Equal<typeof auth, Auth<UserInfo>>>;
  type _loading = Expect<Equal<typeof auth.isLoading, boolean>>;
  type _user = Expect<Equal<typeof auth.user, UserInfo | undefined>>;
  type _error = Expect<Equal<typeof auth.error, AuthError | undefined>>;
  type _client = Expect<Equal<typeof auth.client, AuthClient | undefined>>;
  type _token = Expect<Equal<ReturnType<typeof auth.getAccessToken>, Promise<string>>>;
  const code = auth.error?.code;
  void code;
  return (
    <div>
      <p>{auth.user?.email ?? auth.user?.sub}</p>
      <button onClick={() => auth.login({ appState: { returnTo: "/orders" }, prompt: "login" })}>Log in</button>
      <button onClick={() => auth.logout({ revoke: false })}>Log out</button>
      <button onClick={() => auth.getAccessToken({ forceRefresh: true })}>Token</button>
    </div>
  );
}

interface MyClaims extends UserInfo {
  "https://example.com/roles": string[];
}

export function Roles(): ReactElement {
  const { user } = useAuth<MyClaims>();
  const roles: string[] | undefined = user?.["https://example.com/roles"];
  return <p>{roles?.join(", ")}</p>;
}

type AppState = { returnTo?: string; tab: number };

export function Root(): ReactElement {
  const navigate = (to: string) => void to;
  return (
    <AuthProvider<AppState>
      options={options}
      onRedirectCallback={(appState, result) => {
        type _state = Expect<Equal<typeof appState, AppState | undefined>>;
        const tab: number | undefined = appState?.tab;
        void [tab, result.tokens.accessToken];
        navigate(appState?.returnTo ?? "/");
      }}
    >
      <Profile />
    </AuthProvider>
  );
}

export function Plain(): ReactElement {
  return (
    <AuthProvider options={{ clientId: "c", redirectUri: "https://app.example/" }}>
      <Roles />
    </AuthProvider>
  );
}

export const props: AuthProviderProps = { options, children: null };

export function Wrong(): ReactElement {
  // @ts-expect-error options are required
  const missing = <AuthProvider><Profile /></AuthProvider>;
  // @ts-expect-error a misspelled option
  const typo = <AuthProvider options={{ clientId: "c", redirectURI: "/" }}><Profile /></AuthProvider>;
  const auth = useAuth();
  // @ts-expect-error login's options are LoginOptions
  void auth.login({ responseMode: "form_post" });
  return <>{missing}{typo}</>;
}
