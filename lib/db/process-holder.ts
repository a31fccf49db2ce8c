import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

/** This process, as the holder of a job lease or a bulk writer's row: host, pid and a random tag. */
export const HOLDER = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
