import { describe, expect, it } from "vitest";
import { faultFromResponse } from "@/lib/qbo/faults";

describe("faultFromResponse", () => {
  it.each([
    {
      name: "the standard Fault shape (6240 duplicate name) as a validation fault",
      status: 400,
      body: JSON.stringify({ Fault: { Error: [{ Message: "Duplicate Name Exists Error", Detail: "taken", code: "6240", element: "" }], type: "ValidationFault" }, time: "x" }),
      expected: { kind: "validation", code: "6240", type: "ValidationFault", message: "Duplicate Name Exists Error", detail: "taken" },
    },
    {
      name: "the gateway's lower-case shape (3200) as an auth fault",
      status: 401,
      body: JSON.stringify({ fault: { error: [{ message: "message=AuthenticationFailed; errorCode=003200; statusCode=401", detail: "d", code: "3200" }], type: "AUTHENTICATION" } }),
      expected: { kind: "auth", code: "3200", type: "AUTHENTICATION" },
    },
    {
      name: "an XML throttle body as a throttle fault",
      status: 429,
      body: '<?xml version="1.0"?><IntuitResponse><Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message></Error></Fault></IntuitResponse>',
      expected: { kind: "throttle", code: "3001", type: "SERVICE" },
    },
    {
      name: "an XML throttle body sent with status 403 still as a throttle",
      status: 403,
      body: '<Fault type="SERVICE"><Error code="3001"><Message>ThrottleExceeded</Message></Error></Fault>',
      expected: { kind: "throttle", code: "3001" },
    },
    { name: "a 503 with an HTML body as a server fault", status: 503, body: "<html>busy</html>", expected: { kind: "server", status: 503 } },
    { name: "a stale SyncToken (5010) as validation", status: 400, body: JSON.stringify({ Fault: { Error: [{ Message: "Stale Object Error", code: "5010" }], type: "ValidationFault" } }), expected: { kind: "validation", code: "5010" } },
    { name: "a 500 with garbage as a server fault", status: 500, body: "{not json", expected: { kind: "server" } },
  ])("reads $name", ({ status, body, expected }) => {
    const fault = faultFromResponse(status, body, "tid-1");
    expect(fault).toMatchObject({ ...expected, intuitTid: "tid-1" });
  });

  it("marks throttles and 5xx retryable, validation faults not", () => {
    expect(faultFromResponse(429, "").retryable).toBe(true);
    expect(faultFromResponse(502, "").retryable).toBe(true);
    expect(faultFromResponse(400, JSON.stringify({ Fault: { Error: [{ Message: "x", code: "2050" }], type: "ValidationFault" } })).retryable).toBe(false);
  });
});
