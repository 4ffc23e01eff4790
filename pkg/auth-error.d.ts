import type { AuthErrorCode } from "./wasm_oauth.js";

/**
 * The error every wasm-oauth failure throws or rejects with: a real `Error`
 * subclass with a stable `code`. Nothing it carries ever includes a token.
 *
 * @example
 * try {
 *   await auth.handleRedirectCallback();
 * } catch (e) {
 *   if (e instanceof AuthError && e.code === "access_denied") showMessage("You said no.");
 *   else throw e;
 * }
 */
export declare class AuthError extends Error {
  /** Always `"AuthError"`. */
  readonly name: "AuthError";
  /**
   * Stable snake_case code: the SDK's own (`state_mismatch`, `login_required`,
   * `not_initialized`, ...) or the OAuth error the server returned
   * (`invalid_grant`, `access_denied`, ...). Branch on it, not on `message`.
   */
  readonly code: AuthErrorCode;
  /** The server's `error_description`, when it sent one (printable text, clipped). */
  readonly description?: string;
  /** The HTTP status of the failed response, when there was one. */
  readonly status?: number;
  /**
   * For `invalid_options`: the option or argument that was wrong, as you wrote
   * it (`"redirectUri"`, `"endpoints.token"`, `"forceRefersh"`).
   */
  readonly option?: string;
  /**
   * Made by the SDK; apps construct one only in tests.
   * @param code the stable code
   * @param message human text, never a secret
   * @param description the server's `error_description`
   * @param status the HTTP status of the failed response
   * @param option the option an `invalid_options` error is about
   */
  constructor(code: string, message: string, description?: string, status?: number, option?: string);
}
