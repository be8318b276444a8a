import { describe, expect, it } from "vitest";

import { isSecretKey, REDACTED, redact } from "./redact";

describe("redact", () => {
  it("returns the same reference when nothing matches", () => {
    const value = { a: 1, b: { c: [1, 2, { d: "x" }] }, when: new Date(0), buf: Buffer.from("hi") };
    expect(redact(value)).toBe(value);
  });

  it("copies only the path to a secret and never mutates the input", () => {
    const untouched = { big: [1, 2, 3] };
    const value = { keep: untouched, user: { profile: { password: "pw", name: "n" } } };
    const out = redact(value);
    expect(out).not.toBe(value);
    expect(out.keep).toBe(untouched);
    expect(out.user.profile).toEqual({ password: REDACTED, name: "n" });
    expect(value.user.profile.password).toBe("pw");
  });

  it("handles arrays and cycles", () => {
    const node: Record<string, unknown> = { token: "t", list: [{ secret: "s" }, "plain"] };
    node.self = node;
    const out = redact(node) as Record<string, unknown>;
    expect(out.token).toBe(REDACTED);
    expect(out.list).toEqual([{ secret: REDACTED }, "plain"]);
    expect(out.self).toBe("[Circular]");
    expect(() => JSON.stringify(out)).not.toThrow();
  });

  it("keeps shared (non-cyclic) references", () => {
    const shared = { id: 1 };
    expect(redact({ a: shared, b: shared })).toEqual({ a: shared, b: shared });
  });

  it("redacts what toJSON would print", () => {
    const value = { model: { toJSON: () => ({ email: "e", password: "pw" }) } };
    expect(JSON.parse(JSON.stringify(redact(value)))).toEqual({ model: { email: "e", password: REDACTED } });
  });

  it("matches key spellings case- and separator-insensitively", () => {
    for (const key of ["Authorization", "COOKIE", "Set-Cookie", "access_token", "RefreshToken", "apiToken", "X-Api-Key"]) {
      expect(isSecretKey(key)).toBe(true);
    }
    for (const key of ["tokens", "tokenHash", "author", "passwordHint", "cookies_enabled"]) {
      expect(isSecretKey(key)).toBe(false);
    }
  });
});
