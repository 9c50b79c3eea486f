// The pure core of mapping: rule shapes, QBO name rules, validation and suggestions.
// similarity.ts is an implementation detail of suggest.ts and is imported directly where needed.
export * from "./directory";
export * from "./names";
export * from "./rules";
export * from "./suggest";
export * from "./validate";
