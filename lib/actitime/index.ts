export * from "./client";
export * from "./errors";
export * from "./schemas";
export * from "./admin-access";
export * from "./account-key";
