import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "@/db/client";
import { endAdminSessions } from "@/db/queries/sessions";
import { getEnv } from "@/lib/env";
import { LoginError, type SignedInAdmin } from "./login";
import { SESSION_MAX_AGE_S, signInAdmin } from "./sign-in";
import { clientAddressFrom } from "./throttle";

export { SESSION_MAX_AGE_S };

declare module "next-auth" {
  interface Session {
    adminId: string;
    accountId: string;
    accountUrl: string;
    sessionVersion: number;
  }
  interface User {
    accountId: string;
    accountUrl: string;
    sessionVersion: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    adminId?: string;
    accountId?: string;
    accountUrl?: string;
    sessionVersion?: number;
  }
}

export function authOptions(): NextAuthOptions {
  const env = getEnv();
  return {
    secret: env.nextAuthSecret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    // Cookies are httpOnly always and Secure whenever the app is served over https (next-auth's default).
    useSecureCookies: env.secureCookies,
    pages: { signIn: "/login", error: "/login" },
    providers: [
      // The login form signs in through its server action (app/(auth)/login/actions.ts); this provider
      // is the same sign-in for next-auth's own endpoint, limits included.
      CredentialsProvider({
        id: "actitime",
        name: "actiTIME",
        credentials: {
          actitimeUrl: { label: "actiTIME URL", type: "url" },
          username: { label: "Username", type: "text" },
          password: { label: "Password", type: "password" },
        },
        async authorize(credentials, req) {
          let admin: SignedInAdmin;
          try {
            const headers = new Headers();
            for (const [name, value] of Object.entries(req?.headers ?? {})) if (typeof value === "string") headers.set(name, value);
            admin = await signInAdmin(await getDb(), credentials ?? {}, { clientAddress: clientAddressFrom(headers) });
          } catch (error) {
            // next-auth passes the message to the caller; LoginError messages are written for people.
            throw new Error(error instanceof LoginError ? error.message : "Sign-in failed. Please try again.");
          }
          return { id: admin.adminId, name: admin.name, accountId: admin.accountId, accountUrl: admin.accountUrl, sessionVersion: admin.sessionVersion };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.adminId = user.id;
          token.accountId = user.accountId;
          token.accountUrl = user.accountUrl;
          token.sessionVersion = user.sessionVersion;
        }
        return token;
      },
      session({ session, token }) {
        session.adminId = token.adminId ?? "";
        session.accountId = token.accountId ?? "";
        session.accountUrl = token.accountUrl ?? "";
        session.sessionVersion = token.sessionVersion ?? -1;
        return session;
      },
    },
    events: {
      // Log out ends every session of the admin server-side and wipes the saved actiTIME password.
      async signOut({ token }) {
        if (token?.adminId && token.accountId) await endAdminSessions(await getDb(), token.accountId, token.adminId);
      },
    },
  };
}
