export * from "./accounts";
export * from "./connections";
export * from "./mappings";
export * from "./imports";
export * from "./ledger";
export * from "./ledger-history";
