export * from "./decoder.js";
export * from "./encoder.js";
export type * from "./frame.js";
