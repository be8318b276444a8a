import { describe, expect, it } from "vitest";

import { rateLimitHeaders } from "./headers";

const rule = { name: "lyrics", limit: 30, windowSec: 60 };

describe("rateLimitHeaders", () => {
  it("describes an allowed request", () => {
    expect(rateLimitHeaders({ allowed: true, rule, remaining: 29, resetSec: 60 })).toEqual({
      "RateLimit-Policy": '"lyrics";q=30;w=60',
      RateLimit: '"lyrics";r=29;t=60',
    });
  });

  it("adds Retry-After to a refusal", () => {
    expect(rateLimitHeaders({ allowed: false, rule, remaining: 0, resetSec: 17 })).toEqual({
      "RateLimit-Policy": '"lyrics";q=30;w=60',
      RateLimit: '"lyrics";r=0;t=17',
      "Retry-After": "17",
    });
  });

  it("escapes the policy name as a structured-field string", () => {
    const headers = rateLimitHeaders({ allowed: true, rule: { name: 'a"b\\c', limit: 1, windowSec: 1 }, remaining: 0, resetSec: 1 });
    expect(headers.RateLimit).toBe('"a\\"b\\\\c";r=0;t=1');
  });
});
