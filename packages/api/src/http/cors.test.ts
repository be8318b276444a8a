import { describe, expect, it } from "vitest";
import { corsDecision } from "./cors";

const LISTED = ["https://app.example.com", "http://localhost:5173"] as const;

function request(method: string, headers: Record<string, string>) {
  return new Request("http://studio.test/api/auth/login", { method, headers: { host: "studio.test", ...headers } });
}

const preflight = (origin: string) =>
  request("OPTIONS", { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" });

describe("CORS with a list of origins", () => {
  it("answers a preflight from a listed origin, echoing it with credentials", () => {
    const decision = corsDecision(preflight("https://app.example.com"), LISTED);
    if (!("respond" in decision)) throw new Error("expected a direct answer");
    expect(decision.respond.status).toBe(204);
    const h = decision.respond.headers;
    expect(h.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(h.get("access-control-allow-credentials")).toBe("true");
    expect(h.get("access-control-allow-methods")).toMatch(/POST/);
    expect(h.get("access-control-allow-headers")).toMatch(/authorization/);
    expect(h.get("vary")).toBe("Origin");
  });

  it("refuses a preflight from another origin without any CORS header", async () => {
    const decision = corsDecision(preflight("https://evil.example"), LISTED);
    if (!("respond" in decision)) throw new Error("expected a refusal");
    expect(decision.respond.status).toBe(403);
    expect([...decision.respond.headers.keys()].filter((k) => k.startsWith("access-control"))).toEqual([]);
    expect(await decision.respond.json()).toMatchObject({ success: false, error: { code: "FORBIDDEN" } });
  });

  it.each(["application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"])(
    "refuses a cross-site %s POST from an origin that is not allowed",
    (contentType) => {
      const decision = corsDecision(request("POST", { origin: "https://evil.example", "content-type": contentType }), LISTED);
      expect("respond" in decision && decision.respond.status).toBe(403);
    },
  );

  it("lets same-origin requests through without CORS headers", () => {
    expect(corsDecision(request("POST", { origin: "http://studio.test" }), LISTED)).toEqual({ headers: {} });
    expect(corsDecision(request("POST", { origin: "https://studio.test", "x-forwarded-proto": "https" }), LISTED)).toEqual({ headers: {} });
  });

  it("lets requests without an Origin through (curl, scripts, servers)", () => {
    expect(corsDecision(request("POST", {}), LISTED)).toEqual({ headers: {} });
  });

  it("adds the CORS headers to an allowed cross-origin request, never *", () => {
    const decision = corsDecision(request("POST", { origin: "http://localhost:5173" }), LISTED);
    expect(decision).toEqual({
      headers: expect.objectContaining({ "access-control-allow-origin": "http://localhost:5173", "access-control-allow-credentials": "true" }),
    });
  });

  it("gives a disallowed origin's GET no CORS headers, so the browser hides the answer", () => {
    expect(corsDecision(request("GET", { origin: "https://evil.example" }), LISTED)).toEqual({ headers: {} });
  });
});

describe("CORS with *", () => {
  it("allows any origin but never with credentials", () => {
    const decision = corsDecision(preflight("https://anywhere.example"), "*");
    if (!("respond" in decision)) throw new Error("expected a direct answer");
    expect(decision.respond.headers.get("access-control-allow-origin")).toBe("*");
    expect(decision.respond.headers.get("access-control-allow-credentials")).toBeNull();
    const simple = corsDecision(request("POST", { origin: "https://anywhere.example" }), "*");
    expect(simple).toEqual({ headers: expect.objectContaining({ "access-control-allow-origin": "*" }) });
    expect("headers" in simple && simple.headers["access-control-allow-credentials"]).toBeUndefined();
  });
});
