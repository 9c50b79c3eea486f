import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "@/db/client";
import { getEnv } from "@/lib/env";
import { LoginError, verifyLogin, type SignedInAdmin } from "./login";

export const SESSION_MAX_AGE_S = 12 * 60 * 60;

declare module "next-auth" {
  interface Session {
    adminId: string;
    accountId: string;
    accountUrl: string;
  }
  interface User {
    accountId: string;
    accountUrl: string;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    adminId?: string;
    accountId?: string;
    accountUrl?: string;
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
      CredentialsProvider({
        id: "actitime",
        name: "actiTIME",
        credentials: {
          actitimeUrl: { label: "actiTIME URL", type: "url" },
          username: { label: "Username", type: "text" },
          password: { label: "Password", type: "password" },
        },
        async authorize(credentials) {
          let admin: SignedInAdmin;
          try {
            admin = await verifyLogin(await getDb(), credentials ?? {});
          } catch (error) {
            // next-auth passes the message to the login form; LoginError messages are written for people.
            throw new Error(error instanceof LoginError ? error.message : "Sign-in failed. Please try again.");
          }
          return { id: admin.adminId, name: admin.name, accountId: admin.accountId, accountUrl: admin.accountUrl };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.adminId = user.id;
          token.accountId = user.accountId;
          token.accountUrl = user.accountUrl;
        }
        return token;
      },
      session({ session, token }) {
        session.adminId = token.adminId ?? "";
        session.accountId = token.accountId ?? "";
        session.accountUrl = token.accountUrl ?? "";
        return session;
      },
    },
  };
}
