import type { NextConfig } from "next";

const isDev = process.env.NODE_ENV !== "production";

// Pages render on the server; the browser only runs Next's own scripts. React dev tooling needs eval.
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${isDev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  // Intuit's consent page is reached by redirect, and login posts go to ourselves only.
  "form-action 'self'",
].join("; ");

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
          { key: "Content-Security-Policy", value: contentSecurityPolicy },
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
