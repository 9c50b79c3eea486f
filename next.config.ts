import type { NextConfig } from "next";

// The Content-Security-Policy (with a fresh script nonce per request) and HSTS are set in proxy.ts.
const nextConfig: NextConfig = {
  // PGlite loads its WASM and data files from its package folder at run time.
  serverExternalPackages: ["@electric-sql/pglite"],
  poweredByHeader: false,
  // `npm run dev` opened at http://127.0.0.1:3000 (not only localhost) must load its dev resources.
  allowedDevOrigins: ["127.0.0.1", "localhost"],
  typedRoutes: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

export default nextConfig;
