// The fetch adapter's JavaScript half (src/browser/http.rs): one call per
// request instead of a dozen web-sys imports. Resolves to
// [status, body, dateMs] (dateMs NaN when there is no readable Date header),
// to [0] when no response came (network or CORS failure) and to [-1] when
// the timeout aborted the request. Never rejects.
export async function send(url, form, bearer, timeoutMs) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const headers = { Accept: "application/json" };
  if (form != null) headers["Content-Type"] = "application/x-www-form-urlencoded";
  if (bearer != null) headers.Authorization = "Bearer " + bearer;
  try {
    const response = await fetch(url, {
      method: form == null ? "GET" : "POST",
      body: form ?? undefined,
      headers,
      // Never send cookies or a referrer to the provider from these calls.
      credentials: "omit",
      referrerPolicy: "no-referrer",
      signal: controller.signal,
    });
    const body = await response.text();
    return [response.status, body, Date.parse(response.headers.get("date") ?? "")];
  } catch {
    return [controller.signal.aborted ? -1 : 0];
  } finally {
    clearTimeout(timer);
  }
}
