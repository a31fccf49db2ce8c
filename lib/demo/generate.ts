// Deterministic organization generator: the demo organization and the benchmark data set.
// The same options always give the same directory and byte-identical events.
export type { GenerateOptions } from "./options";
export type { DirectoryUser } from "./directory";
export type { AuditEventRecord } from "./event-fields";
export { generateDirectory, usersCsv, csvQuote, USERS_CSV_HEADER } from "./directory";
export { generateEvents, generateEventLines } from "./events";
