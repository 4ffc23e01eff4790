// Lets Koa middlewares in front of oidc-provider read (and rewrite) a urlencoded request body,
// while oidc-provider's own body parser still reads it afterwards from `req.iterator()`.

const LIMIT = 64 * 1024;

/** True when the request carries a form body (application/x-www-form-urlencoded). */
export function isFormPost(ctx) {
  return ctx.method === "POST" && Boolean(ctx.is("application/x-www-form-urlencoded"));
}

/**
 * The request's form fields (at most 64 KiB of body). The body stays readable for the next
 * middleware and for oidc-provider; several middlewares may call this.
 */
export async function readForm(ctx) {
  if (!ctx.state.requestBody) {
    const chunks = [];
    let received = 0;
    for await (const chunk of ctx.req.iterator({ destroyOnReturn: false })) {
      received += chunk.length;
      if (received > LIMIT) ctx.throw(413, "request entity too large");
      chunks.push(chunk);
    }
    replaceForm(ctx, Buffer.concat(chunks, received));
  }
  return new URLSearchParams(ctx.state.requestBody.toString("utf8"));
}

/** Makes `ctx.req` yield `body` (a Buffer or URLSearchParams) to the next reader, with a matching Content-Length. */
export function replaceForm(ctx, body) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body.toString());
  const { req } = ctx;
  ctx.state.requestBody = bytes;
  Object.defineProperty(req, "readable", { configurable: true, get: () => true });
  req.iterator = async function* replay() {
    yield bytes;
  };
  req.headers["content-length"] = String(bytes.length);
  delete req.headers["transfer-encoding"];
}
