/**
 * The error every wasm-oauth failure rejects with. `code` is stable and
 * snake_case: the SDK's own (`state_mismatch`, `login_required`, ...) or the
 * OAuth error the server returned (`invalid_grant`, `access_denied`, ...).
 * `option` names the option or argument an `invalid_options` error is about.
 * Nothing it carries ever includes a token.
 */
export class AuthError extends Error {
  constructor(code, message, description, status, option) {
    super(message);
    this.name = "AuthError";
    this.code = code;
    if (description !== undefined) this.description = description;
    if (status !== undefined) this.status = status;
    if (option !== undefined) this.option = option;
  }
}
